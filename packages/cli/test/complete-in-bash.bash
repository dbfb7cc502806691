# bash complete-in-bash.bash SCRIPT WORD...
# Loads SCRIPT and asks its completion function (the one `complete -p` names for the first word) for the last WORD,
# as bash does on Tab: COMP_WORDS, COMP_CWORD and COMP_LINE set, then prints COMPREPLY, one a line.
source "$1"
shift
COMP_WORDS=("$@")
COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
COMP_LINE="$*"
COMP_POINT=${#COMP_LINE}
function=$(complete -p "$1" | sed -n 's/.*-F \([^ ]*\) .*/\1/p')
"$function" "$1" "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
printf '%s\n' "${COMPREPLY[@]}"

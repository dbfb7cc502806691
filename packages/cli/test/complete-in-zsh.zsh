# zsh -f complete-in-zsh.zsh SCRIPT OUT LINE
# Types LINE and Tab into an interactive zsh on a pseudo-terminal (zpty) that has compinit and SCRIPT loaded; every
# match the completion system adds is written to OUT, one a line, then "<end>" when completion has finished.
zmodload zsh/zpty zsh/zselect
zpty shell zsh -f -i
zpty -w shell "PROMPT='' && autoload -U compinit && compinit -u -D && source ${(q)1}"
zpty -w shell "compadd() { local -a hits; builtin compadd -O hits \"\$@\"; print -rl -- \$hits >> ${(q)2}; builtin compadd \"\$@\"; }"
zpty -w shell "completed() { print -r -- '<end>' >> ${(q)2}; }; comppostfuncs=(completed)"
zpty -w -n shell "$3"$'\t'
# Bounded: 300 rounds of at most 100 ms each, draining the terminal meanwhile.
for round in {1..300}; do
  [[ -f $2 && $(<$2) == *'<end>'* ]] && exit 0
  zpty -rt shell screen
  zselect -t 10
done
print -u2 "no completion finished within 300 rounds for: $3"
exit 1

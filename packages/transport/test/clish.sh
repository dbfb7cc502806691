#!/bin/bash
# A stand-in for the appliance's restricted CLI (CLISH), used as a test account's login shell:
# a banner, the `> ` prompt, and `expert`, which opens bash as the user like the appliance does.
if [ "$1" = "-c" ]; then
  echo '% the CLI does not run commands over exec' >&2
  exit 1
fi
printf '\nCopyright 2004-2024, Cisco and/or its affiliates. All rights reserved.\n'
printf '\033[1mCisco Firepower Extensible Operating System (FX-OS) v2.14\033[0m\n'
printf 'Cisco Firepower Threat Defense for VMware v7.4.1 (build 172)\n\n'
while true; do
  printf '> '
  IFS= read -r line || exit 0
  case "$line" in
    expert)
      case "$USER" in
        *-noexpert) printf '%% Invalid command: expert (not permitted for this user)\n' ;;
        *) exec env PS1='\u@\h:\w\$ ' /bin/bash --norc -i ;;
      esac
      ;;
    exit | logout) exit 0 ;;
    '') ;;
    *) printf '%% Invalid command: %s\n' "$line" ;;
  esac
done

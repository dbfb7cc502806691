#!/bin/bash
# A stand-in for the appliance's restricted CLI (CLISH), used as a test account's login shell:
# a banner, the `> ` prompt, and `expert`, which opens bash as the user like the appliance does.
if [ "$1" = "-c" ]; then
  echo '% the CLI does not run commands over exec' >&2
  exit 1
fi
case "$USER" in
  *-ftd64 | *-fp4100)
    # FTD 6.4 on hardware, as public transcripts show it, with a MOTD whose lines look like prompts.
    printf 'Last login: Tue Jan 24 18:18:07 UTC 2023 from 10.0.0.5 on pts/0\n'
    printf "Successful login attempts for user 'admin' : 3\n"
    printf '#####\n#\n-->\n> -->\n$$$\n#### Authorized use only ####\n'
    ;;
esac
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
        *-ftd64 | *-fp4100)
          # An FP4100/9300 module's expert shell starts where its applications live.
          case "$USER" in *-fp4100) cd /opt/cisco/csp/applications || exit 1 ;; esac
          printf '**************************************************************\n'
          printf 'NOTICE - Shell access will be deprecated in future releases\n'
          printf '         and will be replaced with a separate expert mode CLI.\n'
          printf '**************************************************************\n'
          exec env PS1='\u@\h:\w\$ ' /bin/bash --norc -i
          ;;
        *) exec env PS1='\u@\h:\w\$ ' /bin/bash --norc -i ;;
      esac
      ;;
    exit | logout) exit 0 ;;
    '') ;;
    *) printf '%% Invalid command: %s\n' "$line" ;;
  esac
done

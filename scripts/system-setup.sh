#!/usr/bin/env bash
# The system set-up the test suite needs, in one place: `pnpm test` runs it first, and so does
# .ci/run. Each line of NEEDS is "command Debian-package": the command the suite runs, and the
# package that brings it; a command "python3:<module>" is a module Debian's /usr/bin/python3 imports.
#
#   scripts/system-setup.sh           install what is missing (as root, with apt-get); otherwise stop
#                                     and print the exact command to run
#   scripts/system-setup.sh --check   never install: exit 0 when all is there, else print the command and exit 1
#
# The suite runs as root: the transport tests create test users, write /etc/sudoers.d and run sshd.
set -euo pipefail

NEEDS=(
  "openssl openssl"
  "sshd openssh-server"
  "ssh openssh-client"
  "sudo sudo"
  "visudo sudo"
  "promtool prometheus"
  "script bsdutils"
  "zsh zsh"
  "fish fish"
  "groff groff-base"
  "man man-db"
  "useradd passwd"
  "python3:paramiko python3-paramiko"
  "chromium chromium"
)

check_only=false
case "${1:-}" in
  --check) check_only=true ;;
  "") ;;
  *) echo "usage: scripts/system-setup.sh [--check]" >&2; exit 2 ;;
esac

# sshd and visudo live in sbin, which a non-root PATH may leave out.
PATH="$PATH:/usr/sbin:/sbin"

missing=()
for need in "${NEEDS[@]}"; do
  read -r command package <<< "$need"
  case "$command" in
    python3:*) present() { /usr/bin/python3 -c "import ${1#python3:}" >/dev/null 2>&1; } ;;
    *) present() { command -v "$1" >/dev/null 2>&1; } ;;
  esac
  if ! present "$command"; then
    case " ${missing[*]-} " in *" $package "*) ;; *) missing+=("$package") ;; esac
  fi
done

root=false
[ "${EUID:-$(id -u)}" = 0 ] && root=true

if [ ${#missing[@]} -eq 0 ]; then
  if [ "$root" = false ]; then
    echo "sftunnel-ca tests: the suite must run as root (it creates test users, writes /etc/sudoers.d and runs sshd). Run it as root:" >&2
    echo "  sudo env \"PATH=\$PATH\" npx -y pnpm@9.15.9 test" >&2
    exit 1
  fi
  exit 0
fi

install="apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends ${missing[*]}"
if [ "$check_only" = false ] && [ "$root" = true ] && command -v apt-get >/dev/null 2>&1; then
  echo "sftunnel-ca tests: installing what the suite needs: ${missing[*]}" >&2
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}"
  exit 0
fi

echo "sftunnel-ca tests: missing system packages the suite needs: ${missing[*]}. Nothing was run." >&2
if [ "$root" = true ]; then
  echo "Install them, then run the tests again:" >&2
  echo "  $install" >&2
else
  echo "Install them as root, then run the tests again (as root):" >&2
  echo "  sudo sh -c '$install'" >&2
fi
exit 1

#!/usr/bin/env bash
# Runs one of the README's two Quick start commands exactly as printed, in a fresh clone of HEAD
# in a temporary directory, with no pnpm on the PATH — as a new user would.
#   scripts/quickstart.sh demo|test
set -euo pipefail
which=${1:?usage: scripts/quickstart.sh demo|test}
repo=$(cd "$(dirname "$0")/.." && pwd)

commands=$(awk '/^## Quick start/{on=1; next} /^## /{on=0} on && /^```/{fence=!fence; next} on && fence' "$repo/README.md")
count=$(printf '%s\n' "$commands" | grep -c .)
if [ "$count" -ne 2 ]; then
  echo "README.md: the Quick start must hold exactly two commands, found $count" >&2
  exit 2
fi
command=$(printf '%s\n' "$commands" | grep -E " $which\$" || true)
if [ -z "$command" ] || [ "$(printf '%s\n' "$command" | wc -l)" -ne 1 ]; then
  echo "README.md: no single Quick start command ending in '$which'" >&2
  exit 2
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
git clone -q "$repo" "$tmp/main"
# The domain's shared fixtures sit beside the repository, as in CI.
if [ -d "$repo/../shared" ]; then ln -s "$(cd "$repo/../shared" && pwd)" "$tmp/shared"; fi

# No global pnpm: drop every PATH entry that has one.
path=""
IFS=: read -r -a entries <<< "$PATH"
for entry in "${entries[@]}"; do
  [ -x "$entry/pnpm" ] || path="${path:+$path:}$entry"
done

cd "$tmp/main"
echo "+ $command   (fresh clone in $tmp/main)"
PATH="$path" bash -c "$command"

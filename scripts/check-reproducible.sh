#!/usr/bin/env bash
# Checks that VlmForge builds are reproducible: two clean clones of HEAD at different paths, built with
# `dotnet build -c Release`, must give byte-identical VlmForge assemblies.
# Usage: scripts/check-reproducible.sh [extra dotnet build args...]
set -euo pipefail
repo=$(git -C "$(dirname "$0")/.." rev-parse --show-toplevel)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

first="$work/first/VlmForge"
second="$work/second-at/a/deeper/path/vlmforge-clone"
for clone in "$first" "$second"; do
  git clone --quiet --no-hardlinks "$repo" "$clone"
  echo "building $clone"
  (cd "$clone" && dotnet build VlmForge.sln -c Release -nologo -v:quiet "$@" >"$clone.build.log" 2>&1) || {
    echo "build failed in $clone:"; tail -n 30 "$clone.build.log"; exit 1; }
done

list() {
  local roots=()
  for d in src generators plugins; do [ -d "$1/$d" ] && roots+=("$d"); done
  (cd "$1" && find "${roots[@]}" -path '*/bin/Release/*' -type f \
      \( -name 'VlmForge*.dll' -o -name 'vlmforge.dll' \) -not -path '*/bin/Release/*/plugins/*' | sort)
}
files=$(list "$first")
if [ -z "$files" ]; then echo "no VlmForge assemblies found under $first"; exit 1; fi
if [ "$files" != "$(list "$second")" ]; then
  echo "the two builds produced different sets of assemblies"; diff <(echo "$files") <(list "$second") || true; exit 1
fi

status=0; count=0
while read -r f; do
  count=$((count + 1))
  a=$(sha256sum "$first/$f" | cut -d' ' -f1); b=$(sha256sum "$second/$f" | cut -d' ' -f1)
  if [ "$a" = "$b" ]; then echo "same      $a  $f"; else echo "DIFFERENT $a $b  $f"; status=1; fi
done <<<"$files"
if [ $status -eq 0 ]; then echo "reproducible: $count assemblies byte-identical across two clones"; else echo "NOT reproducible"; fi
exit $status

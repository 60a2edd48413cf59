#!/usr/bin/env bash
# Pretrains the tiny shapes base that the default workflow (vlmforge.toml) fine-tunes, and writes it with its manifest:
#
#   scripts/tiny-base/build.sh            # -> models/tiny-shapes-base (config.json, model.safetensors, tokenizer, manifest.json)
#   scripts/tiny-base/build.sh --check    # rebuild in a temporary folder; fail unless every file's SHA-256 equals the manifest's
#
# It runs `vlmforge train --config scripts/tiny-base/pretrain.toml` (3,000 steps on 1 thread: ~40-60 minutes on a
# 2-core CPU) and `vlmforge export <run> --merged`. One thread makes the bits independent of the machine's core count;
# the same commit of the engine gives the same bytes (the manifest records it).
set -euo pipefail

root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
target="$root/models/tiny-shapes-base"
mode=build
case "${1:-}" in
  "") ;;
  --check) mode=check ;;
  *) echo "usage: $0 [--check]" >&2; exit 2 ;;
esac

work=$(mktemp -d "${TMPDIR:-/tmp}/tiny-base-XXXXXX")
trap 'rm -rf "$work"' EXIT

dotnet build "$root/src/VlmForge.Cli" -c Release -nologo -v quiet
vlmforge() { dotnet "$root/src/VlmForge.Cli/bin/Release/net10.0/vlmforge.dll" "$@"; }

cp "$root/scripts/tiny-base/pretrain.toml" "$work/pretrain.toml"
started=$(date +%s)
(cd "$work" && vlmforge train --config pretrain.toml)
vlmforge export "$work/runs/tiny-shapes-base" --merged --out "$work/base"
seconds=$(( $(date +%s) - started ))

files=(config.json model.safetensors tokenizer.json vocab.txt)
hashes=""
for file in "${files[@]}"; do
  hash=$(sha256sum "$work/base/$file" | cut -d' ' -f1)
  hashes+="${hashes:+,
}    \"$file\": \"$hash\""
done

if [ "$mode" = check ]; then
  status=0
  for file in "${files[@]}"; do
    want=$(grep -o "\"$file\": \"[0-9a-f]*\"" "$target/manifest.json" | cut -d'"' -f4)
    have=$(sha256sum "$work/base/$file" | cut -d' ' -f1)
    if [ "$want" = "$have" ]; then echo "same   $file $have"; else echo "DIFFER $file manifest $want, rebuilt $have"; status=1; fi
  done
  [ $status = 0 ] && echo "the rebuilt base is byte-identical to models/tiny-shapes-base ($seconds s)"
  exit $status
fi

rm -rf "$target"
mkdir -p "$target"
cp "${files[@]/#/$work/base/}" "$target/"
cp "$work/runs/tiny-shapes-base/eval/metrics.json" "$target/pretrain-metrics.json"
cat > "$target/manifest.json" <<JSON
{
  "name": "tiny-shapes-base",
  "command": "scripts/tiny-base/build.sh",
  "config": "scripts/tiny-base/pretrain.toml",
  "config_sha256": "$(sha256sum "$root/scripts/tiny-base/pretrain.toml" | cut -d' ' -f1)",
  "seed": $(grep -E '^seed = ' "$root/scripts/tiny-base/pretrain.toml" | grep -oE '[0-9]+'),
  "data_seed": $(grep -E '^synthetic_seed = ' "$root/scripts/tiny-base/pretrain.toml" | grep -oE '[0-9]+' | head -1),
  "threads": 1,
  "commit": "$(git -C "$root" rev-parse HEAD)",
  "seconds": $seconds,
  "sha256": {
$hashes
  }
}
JSON
echo "wrote $target (manifest.json, $seconds s)"

#!/usr/bin/env bash
# Does the family path learn? A small random-init model with Qwen2.5-VL's architecture (or SmolVLM's), written in the
# Hugging Face layout by the tests' snapshot writer, trained from scratch through `vlmforge train` on shapes VQA, then
# `vlmforge eval`, `vlmforge diagnose` and VQA accuracy against answer priors (the most frequent training answer of each
# question). Results: docs/experiments/family-path.md.
#
#   scripts/family-learning/run.sh qwen        # or smol
#
# Environment (defaults in brackets): STEPS [6000], LR [0.001], SHAPES (most shapes per image) [1], TRAIN (images) [3000],
# TOKENS (image tokens: 16 or 4) [16], THREADS [1], SEED [42], WORK [runs/family-learning]. Images are 32 px. Run it
# under `nice` on a shared machine; one thread makes the numbers independent of the core count.
set -euo pipefail

family=${1:-}
case "$family" in
  qwen) name=qwen2_5_vl ;;
  smol) name=smolvlm ;;
  *) echo "usage: $0 qwen|smol" >&2; exit 2 ;;
esac
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
steps=${STEPS:-6000} lr=${LR:-0.001} shapes=${SHAPES:-1} train=${TRAIN:-3000} threads=${THREADS:-1} seed=${SEED:-42}
tokens=${TOKENS:-16}
base=$(mkdir -p "${WORK:-$root/runs/family-learning}" && cd "${WORK:-$root/runs/family-learning}" && pwd)
work=$base/$family-t$tokens-s$shapes-$steps-$lr-$seed
data=$base/data-s$shapes-n$train   # rendered once, shared by the runs that train on it
if [ -e "$work" ]; then echo "$work exists: delete it or change STEPS / LR / SHAPES / SEED / WORK" >&2; exit 1; fi
mkdir -p "$work"

if [ -z "${NO_BUILD:-}" ]; then
  dotnet build "$root/src/VlmForge.Cli" -c Release -nologo -v quiet
  dotnet build "$root/benchmarks/VlmForge.Benchmarks" -c Release -nologo -v quiet
fi
vlmforge() { dotnet "$root/src/VlmForge.Cli/bin/Release/net10.0/vlmforge.dll" "$@"; }
tool() { dotnet "$root/benchmarks/VlmForge.Benchmarks/bin/Release/net10.0/VlmForge.Benchmarks.dll" "$@"; }

if [ ! -e "$data/validation.jsonl" ]; then
  rm -rf "$data.tmp"
  vlmforge data synth --out "$data.tmp" --train "$train" --validation 200 --image-size 32 --seed 7 --min-shapes 1 --max-shapes "$shapes"
  mv "$data.tmp" "$data"
fi
tool --family-snapshot "$family" --out "$work/snapshot" --image-tokens "$tokens" --seed 3
sed -e "s|{family}|$name|g" -e "s|{snapshot}|$work/snapshot|" -e "s|{data}|$data|" -e "s|{runs}|$work/runs|" \
    -e "s|{steps}|$steps|g" -e "s|{lr}|$lr|" -e "s|{threads}|$threads|" -e "s|{seed}|$seed|" \
    "$root/scripts/family-learning/train.toml" > "$work/train.toml"

started=$(date +%s)
vlmforge train --config "$work/train.toml"
trained=$(( $(date +%s) - started ))
run="$work/runs/$name"
vlmforge eval "$run"
vlmforge diagnose "$run"

echo
echo "== $name from random weights: $tokens image tokens, $steps steps, lr $lr, up to $shapes shape(s) per image, $trained s of training"
tool --vqa-priors "$data/train.jsonl" "$run/eval/predictions.jsonl"

#!/usr/bin/env bash
# Runs the seeded fuzz tests of every loader with many more cases than `dotnet test` does, and prints, per target,
# the crashes (exceptions that escaped the loader), hangs (cases past the watchdog), violations (errors without a
# location) and the slowest case. A case that kills the process is named in <target>.last-case.txt.
#
#   scripts/fuzz.sh              # 10,000 cases per target
#   scripts/fuzz.sh 50000        # more
#
# Targets: config (vlmforge.toml loader), safetensors (reader), jsonl (dataset lines), image (decoder).
set -uo pipefail
cases="${1:-10000}"
root="$(cd "$(dirname "$0")/.." && pwd)"
report="$(mktemp -d "${TMPDIR:-/tmp}/vlmforge-fuzz-XXXXXX")"
export VLMFORGE_FUZZ_CASES="$cases" VLMFORGE_FUZZ_REPORT="$report"

status=0
for project in Settings Models Data; do
  echo "== VlmForge.$project.Tests: fuzz tests with $cases cases each"
  if ! dotnet test "$root/tests/VlmForge.$project.Tests" -c Release --filter "Category=Fuzz" \
       --logger "console;verbosity=minimal" > "$report/$project.log" 2>&1; then
    status=1
    grep -E "Failed|crashed|aborted" "$report/$project.log" | head -5
  fi
done

echo
for target in config safetensors jsonl image; do
  if [[ -f "$report/$target.txt" ]]; then
    cat "$report/$target.txt"
  else
    echo "$target: no report: the run died; the case running then was:"
    tail -n 1 "$report/$target.last-case.txt" 2>/dev/null || echo "  (none recorded)"
    status=1
  fi
done
echo "(reports and logs: $report)"
exit $status

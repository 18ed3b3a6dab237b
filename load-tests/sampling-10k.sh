#!/usr/bin/env bash
# Sampling cost of 10,000 idle agents at a 1 s monitor interval on one in-JVM node, against the
# same node with the monitor at 60 s (baseline), both in this run; plus deploy time and heap per
# agent. About 2-3 minutes. Usage: load-tests/sampling-10k.sh [windowSeconds]   (SKIP_BUILD=1 to reuse the jar)
source "$(dirname "$0")/lib.sh"
build
WINDOW="${1:-30}"
OUT="$RESULTS/sampling-10k"
CMD=(java "${JVM_FLAGS[@]}" -Xmx2g -cp "$BENCH_JAR" io.agentgovernor.load.ScaleIdle 10000 1000 "$WINDOW" "$OUT")
"${CMD[@]}" 2>&1 | grep -v -E '^\s*$|WARNING|^[0-9:.]+ (INFO|WARN)' | tee "$OUT.log"
{
  echo "# Sampling cost: 10,000 idle agents, 1 s interval"
  echo
  machine
  echo
  echo "Command: \`${CMD[*]}\`"
  echo
  cat "$OUT.run.md"
} > "$OUT.md"
rm -f "$OUT.run.md"
echo "wrote $OUT.md and $OUT.csv"

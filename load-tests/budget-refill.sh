#!/usr/bin/env bash
# Remote slice refill: p99 of a reservation that needs a new slice from the budget's owner on
# another member (two JVMs on loopback), as a ratio to a plain IMap.get of the same entry in the
# same run; a local grant from a held slice beside them. About 1 minute.
# Usage: load-tests/budget-refill.sh [n=2000]   (SKIP_BUILD=1 to reuse the jar)
source "$(dirname "$0")/lib.sh"
build
N="${1:-2000}"
OUT="$RESULTS/budget-refill"
CMD=(java "${JVM_FLAGS[@]}" -Xmx1g -cp "$BENCH_JAR" io.agentgovernor.load.RefillBench "$N" "$OUT")
run_bench "$OUT" "Budgets: remote slice refill vs IMap.get" "${CMD[@]}"
rm -f "$OUT.log"

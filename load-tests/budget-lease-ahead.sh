#!/usr/bin/env bash
# Leasing ahead (budgets.prefetchAt): two streams of reservations, a tenth of a slice each, from
# two driver nodes against budgets owned by a third JVM; one node leases ahead, the other does not
# (the baseline, same run). Reports latency percentiles and how many reservations went to the
# owner. About 1-2 minutes. Usage: load-tests/budget-lease-ahead.sh [n=5000]   (SKIP_BUILD=1 to reuse the jar)
source "$(dirname "$0")/lib.sh"
build
N="${1:-5000}"
OUT="$RESULTS/budget-lease-ahead"
CMD=(java "${JVM_FLAGS[@]}" -Xmx1g -cp "$BENCH_JAR" io.agentgovernor.load.LeaseAheadBench "$N" "$OUT")
run_bench "$OUT" "Budgets: leasing ahead vs waiting for the owner" "${CMD[@]}"
rm -f "$OUT.log"

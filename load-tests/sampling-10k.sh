#!/usr/bin/env bash
# Sampling cost of 10,000 idle agents at a 1 s monitor interval on one in-JVM node, against the
# same node with the monitor at 60 s (baseline), both in this run; plus deploy time and heap per
# agent. About 2-3 minutes. Usage: load-tests/sampling-10k.sh [windowSeconds]   (SKIP_BUILD=1 to reuse the jar)
source "$(dirname "$0")/lib.sh"
build
WINDOW="${1:-30}"
OUT="$RESULTS/sampling-10k"
CMD=(java "${JVM_FLAGS[@]}" -Xmx2g -cp "$BENCH_JAR" io.agentgovernor.load.ScaleIdle 10000 1000 "$WINDOW" "$OUT")
run_bench "$OUT" "Sampling cost: 10,000 idle agents, 1 s interval" "${CMD[@]}"

#!/usr/bin/env bash
# 100,000 idle agents on one in-JVM node (2 cores): deploy time, heap per agent after a full GC
# (with a class-histogram diff of what it is made of), an hour of history per agent, and the
# sampling cost at 100k, each against the same node with sampling off (baseline) in the same
# run. About 5-10 minutes. Usage: load-tests/scale-idle.sh [agents] [windowSeconds]   (SKIP_BUILD=1 to reuse the jar)
source "$(dirname "$0")/lib.sh"
build
AGENTS="${1:-100000}"
WINDOW="${2:-20}"
OUT="$RESULTS/scale-idle-$AGENTS"
CMD=(java "${JVM_FLAGS[@]}" -Xmx6g -cp "$BENCH_JAR" io.agentgovernor.load.ScaleIdle "$AGENTS" 1000 "$WINDOW" "$OUT")
run_bench "$OUT" "$AGENTS idle agents on one node" "${CMD[@]}"

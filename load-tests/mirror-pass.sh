#!/usr/bin/env bash
# One reconciliation pass of a map mirror (the node-local copies of registrations and quotas, each
# checked against the cluster every 15 s): CPU, wall time and allocation of the pass, against the
# read a pass made before bucket digests (every entry's fingerprint) and against only visiting every
# entry, in the same run. Members in one JVM on loopback. About 1-2 minutes at 100,000 entries.
# Usage: load-tests/mirror-pass.sh [entries=100000] [members=3] [rounds=11]   (SKIP_BUILD=1 reuses the jar)
source "$(dirname "$0")/lib.sh"
build
ENTRIES="${1:-100000}"; MEMBERS="${2:-3}"; ROUNDS="${3:-11}"
OUT="$RESULTS/mirror-pass"
CMD=(java "${JVM_FLAGS[@]}" -Xmx3g -Dhazelcast.logging.type=none -cp "$BENCH_JAR"
  io.agentgovernor.cluster.MirrorPassBench "$ENTRIES" "$MEMBERS" "$ROUNDS" "$OUT")
run_bench "$OUT" "Map mirror: one reconciliation pass" "${CMD[@]}"
rm -f "$OUT.log"

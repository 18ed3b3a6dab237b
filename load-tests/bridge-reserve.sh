#!/usr/bin/env bash
# A reservation over the TCP bridge, as an outside agent sees it: round trips of reserve and
# commit frames granted from the slice the node holds, as ratios to a ping round trip on the same
# connection in the same run; the in-JVM reserve + commit beside them. Under a minute.
# Usage: load-tests/bridge-reserve.sh [n=5000]   (SKIP_BUILD=1 to reuse the jar)
source "$(dirname "$0")/lib.sh"
build
N="${1:-5000}"
OUT="$RESULTS/bridge-reserve"
CMD=(java "${JVM_FLAGS[@]}" -Xmx1g -cp "$BENCH_JAR" io.agentgovernor.load.BridgeReserveBench "$N" "$OUT")
run_bench "$OUT" "Budgets over the bridge: reserve and commit round trips vs ping" "${CMD[@]}"
rm -f "$OUT.log"

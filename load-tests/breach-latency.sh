#!/usr/bin/env bash
# Breach-to-action latency of a zero-delay suspend step on one in-JVM node: 10,000 breaches in
# waves (default 100 agents breaching per wave, monitor interval 100 ms), against the control
# round trip floor measured between waves. A wave of 1000 is the "breach storm" of issue 8.
# About 1-2 minutes. Usage: load-tests/breach-latency.sh [breaches] [wave] [intervalMs] [suspend|warn]
# (warn: a step with no agent hop, to split detection from carrying out)
# BREACH_YAML=... appends YAML to the node's configuration (e.g. $'degradation:\n  enabled: false\n' to split degradation's cost off).
source "$(dirname "$0")/lib.sh"
build
BREACHES="${1:-10000}"
WAVE="${2:-100}"
INTERVAL="${3:-100}"
ACTION="${4:-suspend}"
OUT="$RESULTS/breach-latency-$ACTION-w$WAVE"
CMD=(java "${JVM_FLAGS[@]}" -Xmx2g -cp "$BENCH_JAR" io.agentgovernor.load.BreachLatency "$BREACHES" "$WAVE" "$INTERVAL" "$OUT" "$ACTION")
run_bench "$OUT" "Breach-to-action latency, zero-delay $ACTION, waves of $WAVE" "${CMD[@]}"

#!/usr/bin/env bash
# Migration of an agent with 1 MiB of state between two node JVMs on loopback, n times back and
# forth (default 30), against a 1 MiB clustered request-reply between the same two JVMs.
# About 1-2 minutes. Usage: load-tests/migration.sh [n]   (SKIP_BUILD=1 to reuse the jar)
source "$(dirname "$0")/lib.sh"
build
N="${1:-30}"
OUT="$RESULTS/migration"
CMD=(java "${JVM_FLAGS[@]}" -Xmx1g -cp "$BENCH_JAR" io.agentgovernor.load.MigrationBench "$N" "$OUT")
run_bench "$OUT" "Migration of a 1 MiB-state agent between two JVMs" "${CMD[@]}"

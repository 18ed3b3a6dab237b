#!/usr/bin/env bash
# Reproduces issue 12's pause defect: FaultIT#pauseThenResume (three node JVMs, node f3 SIGSTOPped)
# run up to N times, each with one background busy loop (bounded by timeout), stopping at the first
# failure. Node JVMs get Hazelcast's cluster and server packages at DEBUG (join refusals,
# "could not connect ... split brain connection timeout", received heartbeats) and a GC/safepoint
# log, so a failure can be read after the fact. Each run's node logs, JVM logs and the failsafe
# report go to load-tests/results/pause/<run>/.
# Usage: [EXTRA_JAVA_OPTS=...] load-tests/pause-repro.sh [runs=6] [busy=1]   (about 1.5-2 minutes a run;
# EXTRA_JAVA_OPTS reaches every JVM of the run, e.g. Hazelcast system properties to try)
set -u
cd "$(dirname "$0")/.."
RUNS="${1:-6}"
BUSY="${2:-1}"
OUT="load-tests/results/pause"
DEBUG_LOGBACK="$(pwd)/load-tests/pause/logback-cluster-debug.xml"
mkdir -p "$OUT"
for i in $(seq 1 "$RUNS"); do
  dir="$OUT/run-$i"; rm -rf "$dir"; mkdir -p "$dir"
  rm -f target/fault-*.log
  busy=""
  if [ "$BUSY" = 1 ]; then timeout 400 sh -c 'while :; do :; done' & busy=$!; fi
  start=$(date +%s)
  JAVA_TOOL_OPTIONS="${EXTRA_JAVA_OPTS:-} -Dlogback.configurationFile=$DEBUG_LOGBACK -Xlog:gc*=info,safepoint=info:file=$(pwd)/$dir/jvm-%p.log:time,uptime" \
    mvn -o -q verify -Dit.test='FaultIT#pauseThenResume' -Dtest=none -Dsurefire.failIfNoSpecifiedTests=false > "$dir/mvn.out" 2>&1
  rc=$?
  [ -n "$busy" ] && kill "$busy" 2>/dev/null
  cp target/fault-*.log "$dir/" 2>/dev/null
  cp target/failsafe-reports/*FaultIT*.txt "$dir/" 2>/dev/null
  echo "run $i: rc=$rc, $(( $(date +%s) - start )) s"
  [ "$rc" -ne 0 ] && { echo "failed: logs in $dir"; exit 1; }
done
echo "all $RUNS runs passed"

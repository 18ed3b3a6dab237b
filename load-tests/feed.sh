#!/usr/bin/env bash
# Live-feed load: N WebSocket subscribers, R events/s published on the node's event bus, latency
# from publish to each subscriber's receipt. Target (issue 6): 500 subscribers, 2,000 events/s
# delivered with p99 <= 100 ms. Usage: load-tests/feed.sh [subscribers=500] [rate=2000] [seconds=30]
set -euo pipefail
cd "$(dirname "$0")/.."
SUBS=${1:-500}; RATE=${2:-2000}; SECONDS_=${3:-30}; OUT=load-tests/results/feed.md
mvn -q test-compile
mvn -q dependency:build-classpath -Dmdep.outputFile=target/load-classpath.txt >/dev/null
CP="target/test-classes:target/classes:$(cat target/load-classpath.txt)"
JAVA="java -Xmx1g -Djava.util.concurrent.ForkJoinPool.common.parallelism=4 --add-opens java.base/java.lang=ALL-UNNAMED -Dlogback.configurationFile=src/main/resources/logback.xml"
{
  echo "# Live feed under load"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores; node, publisher and all subscribers in one JVM (load-tests/feed.sh)."
  echo "Mode all: every subscriber receives every event. Mode per-agent: each subscriber follows one agent."
  echo
  echo "| mode | subscribers | published | duration | expected deliveries | delivered | deliveries/s | p50 | p99 | p99.9 | max |"
  echo "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
  $JAVA -cp "$CP" io.agentgovernor.admin.load.FeedLoad "$SUBS" "$RATE" "$SECONDS_" per-agent | grep '^|'
  $JAVA -cp "$CP" io.agentgovernor.admin.load.FeedLoad "$SUBS" "$RATE" "$SECONDS_" all | grep '^|'
  # Broadcast capacity: every subscriber gets every event at a twentieth of the rate.
  $JAVA -cp "$CP" io.agentgovernor.admin.load.FeedLoad "$SUBS" "$((RATE / 20))" "$SECONDS_" all | grep '^|'
} > "$OUT.tmp"
mv "$OUT.tmp" "$OUT"
cat "$OUT"

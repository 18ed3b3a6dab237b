#!/usr/bin/env bash
# Accounting overhead: a governed agent handler against the same handler as a plain Vert.x
# consumer, both in the same JVM run. Two measurements:
#   1. JMH (plainConsumer vs governedAgent, 2 forks), throughput per message;
#   2. AccountingPaired: the same variants in alternating 150 ms blocks, so every ratio compares
#      neighbours in time (the machine is shared), with the event-loop CPU per message and the
#      parts of the accounting measured one by one.
# Takes about 5 minutes. Usage: load-tests/accounting.sh   (SKIP_BUILD=1 to reuse the jar)
source "$(dirname "$0")/lib.sh"
build
OUT="$RESULTS/accounting"
JMH_CMD=(java -jar "$BENCH_JAR" 'AccountingBenchmark.(plainConsumer|governedAgent)' -rf csv -rff "$OUT-jmh.csv")
PAIRED_CMD=(java "${JVM_FLAGS[@]}" -Xmx1g -cp "$BENCH_JAR" io.agentgovernor.agent.AccountingPaired 40 150 "$OUT.csv")
{
  echo "# Accounting overhead: governed agent handler vs plain Vert.x consumer"
  echo
  machine
  echo
  echo "## JMH"
  echo
  echo "Command: \`${JMH_CMD[*]}\`"
  echo
  echo '```'
  "${JMH_CMD[@]}" 2>&1 | sed -n '/^Benchmark  /,$p'
  echo '```'
  echo
  echo "## Paired blocks (same JVM, alternating)"
  echo
  echo "Command: \`${PAIRED_CMD[*]}\`"
  "${PAIRED_CMD[@]}" 2>&1 | grep -v '^\s*$' | sed 's/^\([a-zA-Z0-9]*\): /\n### \1: /'
} > "$OUT.md"
echo "wrote $OUT.md, $OUT.csv and $OUT-jmh.csv"

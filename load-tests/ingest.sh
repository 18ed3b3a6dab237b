#!/usr/bin/env bash
# Ingest: samples checked per second through the monitor's per-sample path (compliance, sample,
# history, alerts, violation events) vs a bare compare loop over the same samples (the ceiling),
# both in one JMH run. Targets (issue 8): >= 1,000,000 samples/s and >= 0.3x the ceiling.
# Usage: load-tests/ingest.sh [extra JMH options, e.g. -f 2]
set -euo pipefail
cd "$(dirname "$0")/.."
NAME=ingest; OUT=load-tests/results
mkdir -p "$OUT"
if [ -z "${REPORT_ONLY:-}" ]; then   # REPORT_ONLY=1: rewrite the results from the last run's target/ingest-jmh.csv
  mvn -q -Pjmh package -DskipTests
  java -jar target/benchmarks.jar IngestBenchmark -rf csv -rff "target/$NAME-jmh.csv" "$@" | tee "target/$NAME-jmh.txt"
fi
MACHINE=$(printf '$ nproc\n%s\n$ free -g\n%s\n$ java -version\n%s\n$ uptime\n%s\n' "$(nproc)" "$(free -g)" "$(java -version 2>&1)" "$(uptime)")
CMD="load-tests/ingest.sh $*"
# JMH csv: "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit","Param: agents","Param: violating"
ROWS=$(tail -n +2 "target/$NAME-jmh.csv" | tr -d '"' | awk -F, '{sub(/.*\./, "", $1); print $1, $9, $5, $6}')
{
  echo "# Ingest: samples checked per second on one node"
  echo
  echo "Run $(date -u '+%Y-%m-%dT%H:%MZ') with \`$CMD\`"
  echo
  echo "Machine:"
  echo
  echo '```'
  echo "$MACHINE"
  echo '```'
  echo
  echo "JMH, one thread, 10,000 agents checked in turn (src/jmh/java/io/agentgovernor/monitor/IngestBenchmark.java)."
  echo "**wholePath**: what MonitorVerticle.check does with each sample, with the monitor's own classes: QuotaIndex lookup,"
  echo "CompiledQuota.check, a new AgentSample, the latest-sample map, UsageHistory.add, AlertPolicy for every limit,"
  echo "violation events built (with the monitor's 10 s spacing per agent and resource) and a SampleBatch per 10,000 samples."
  echo "Not included: the Sampler (reading counters, thread CPU clocks, memory walks) and the event-bus sends and their consumers."
  echo "**checkSampleEvent**: check + AgentSample + a violation event built for every violation of every sample (no spacing)."
  echo "**bareCompare** (the ceiling): a HashMap lookup of the agent's cached soft limits and 7 compares. violating = % of agents over"
  echo "their cpu soft limit."
  echo
  echo "| benchmark | violating | samples/s | ± (99.9 %) | ÷ ceiling |"
  echo "| --- | ---: | ---: | ---: | ---: |"
  echo "$ROWS" | awk '
    { name[NR] = $1; viol[NR] = $2; score[NR] = $3; err[NR] = $4; if ($1 == "bareCompare") ceil[$2] = $3 }
    END { for (i = 1; i <= NR; i++) printf "| %s | %s %% | %.0f | %.0f | %.2f |\n", name[i], viol[i], score[i], err[i], score[i] / ceil[viol[i]] }'
  echo
  echo "$ROWS" | awk '
    { if ($1 == "bareCompare") ceil[$2] = $3; if ($1 == "wholePath") whole[$2] = $3 }
    END { ok = 1; for (v in whole) { r = whole[v] / ceil[v]; if (whole[v] < 1000000 || r < 0.3) ok = 0;
            printf "wholePath at %s %% violating: %.0f samples/s, %.2fx the ceiling. ", v, whole[v], r }
          printf "Target >= 1,000,000 samples/s and >= 0.3x the ceiling: **%s**.\n", ok ? "met" : "not met" }'
} > "$OUT/$NAME.md"
{
  echo "# $CMD"
  echo "$MACHINE" | sed 's/^/# /'
  echo "benchmark,violating,samples_per_s,error_999,ratio_to_ceiling"
  echo "$ROWS" | awk '{ if ($1 == "bareCompare") ceil[$2] = $3; n[NR] = $0 } END { for (i = 1; i <= NR; i++) { split(n[i], f, " "); printf "%s,%s,%s,%s,%.3f\n", f[1], f[2], f[3], f[4], f[3] / ceil[f[2]] } }'
} > "$OUT/$NAME.csv"
cat "$OUT/$NAME.md"

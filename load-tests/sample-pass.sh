#!/usr/bin/env bash
# The monitor's per-sample path over the columns (SamplePass: compliance, alerts, history, totals,
# batch) against a bare compare-and-sum loop over the same columns, both in one JMH run, 100,000
# agents per interval. Targets (issue 15): >= 5,000,000 samples/s on one core and >= 0.3x the bare loop.
# Usage: load-tests/sample-pass.sh [extra JMH options]   (SKIP_BUILD=1 reuses target/benchmarks.jar)
source "$(dirname "$0")/lib.sh"
cd "$ROOT"
NAME=sample-pass; OUT=load-tests/results
build
java -jar "$BENCH_JAR" SamplePassBenchmark -rf csv -rff "target/$NAME-jmh.csv" "$@" | tee "target/$NAME-jmh.txt"
CMD="load-tests/sample-pass.sh $*"
# JMH csv: "Benchmark","Mode","Threads","Samples","Score","Score Error (99.9%)","Unit","Param: violating"
ROWS=$(tail -n +2 "target/$NAME-jmh.csv" | tr -d '"' | awk -F, '{sub(/.*\./, "", $1); print $1, $8, $5, $6}')
{
  echo "# Per-sample path over the columns: samples per second on one core"
  echo
  machine
  echo
  echo "Command: \`$CMD\`"
  echo
  echo "JMH, one thread, 100,000 agents per interval (src/jmh/java/io/agentgovernor/monitor/SamplePassBenchmark.java)."
  echo "**pass**: SamplePass.run, what the monitor runs each interval after the sampler: compliance against the cached"
  echo "soft limits, alert thresholds, violation events (spaced), UsageHistory (4 resources in use per agent), totals,"
  echo "the SampleBatch. **bare** (the ceiling): compare each of the 8 columns with the slot's soft limit and sum the totals."
  echo "violating = % of agents over their cpu soft limit in every interval."
  echo
  echo "| benchmark | violating | samples/s | ± (99.9 %) | ÷ bare |"
  echo "| --- | ---: | ---: | ---: | ---: |"
  echo "$ROWS" | awk '
    { name[NR] = $1; viol[NR] = $2; score[NR] = $3; err[NR] = $4; if ($1 == "bare") ceil[$2] = $3 }
    END { for (i = 1; i <= NR; i++) printf "| %s | %s %% | %.0f | %.0f | %.2f |\n", name[i], viol[i], score[i], err[i], score[i] / ceil[viol[i]] }'
  echo
  echo "$ROWS" | awk '
    { if ($1 == "bare") ceil[$2] = $3; if ($1 == "pass") p[$2] = $3 }
    END { ok = 1; for (v in p) { r = p[v] / ceil[v]; if (p[v] < 5000000 || r < 0.3) ok = 0;
            printf "pass at %s %% violating: %.0f samples/s, %.2fx the bare loop. ", v, p[v], r }
          printf "Target >= 5,000,000 samples/s and >= 0.3x: **%s**.\n", ok ? "met" : "not met" }'
} > "$OUT/$NAME.md"
{
  echo "# $CMD"
  echo "benchmark,violating,samples_per_s,error_999,ratio_to_bare"
  echo "$ROWS" | awk '{ if ($1 == "bare") ceil[$2] = $3; n[NR] = $0 } END { for (i = 1; i <= NR; i++) { split(n[i], f, " "); printf "%s,%s,%s,%s,%.3f\n", f[1], f[2], f[3], f[4], f[3] / ceil[f[2]] } }'
} > "$OUT/$NAME.csv"
cat "$OUT/$NAME.md"

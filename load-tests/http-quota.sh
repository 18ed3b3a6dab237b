#!/usr/bin/env bash
# GET /api/v1/quotas/{id} under wrk, beside GET /health as the baseline, in the same run.
# Target (issue 6): >= 15,000 req/s with p99 <= 20 ms on the 2-core machine.
# Usage: load-tests/http-quota.sh [duration=20s] [connections=64] [threads=1]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-20s}; CONNECTIONS=${2:-64}; THREADS=${3:-1}
PORT=${PORT:-18080}; TOKEN=load-test-token; OUT=load-tests/results/http-quota.md
command -v wrk >/dev/null || { echo "wrk missing: apt-get install -y wrk" >&2; exit 1; }
[ -f target/agent-governor.jar ] || mvn -q package -DskipTests

GOVERNOR_ADMIN_TOKEN=$TOKEN java -Xmx512m -Djava.util.concurrent.ForkJoinPool.common.parallelism=4 \
  -jar target/agent-governor.jar --http-port "$PORT" --cluster-port 25701 --cluster-name "load-$$" --node-id load-1 \
  > /tmp/governor-load-$$.log 2>&1 &
NODE=$!
trap 'kill $NODE 2>/dev/null; wait $NODE 2>/dev/null || true' EXIT
for _ in $(seq 1 120); do grep -q "ready http=" /tmp/governor-load-$$.log && break; sleep 0.5; done
curl -fsS -X PUT -H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
  -d '{"group": "standard_agent"}' "http://127.0.0.1:$PORT/api/v1/quotas/load-agent-1" >/dev/null

cat > /tmp/governor-wrk-auth.lua <<LUA
wrk.headers["Authorization"] = "Bearer $TOKEN"
LUA
run() { # name url
  wrk -t"$THREADS" -c"$CONNECTIONS" -d5s -s /tmp/governor-wrk-auth.lua "$2" >/dev/null   # warm-up (JIT)
  wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" --latency -s /tmp/governor-wrk-auth.lua "$2" | tee "/tmp/governor-wrk-$1.txt"
}
run health "http://127.0.0.1:$PORT/health"
run quota "http://127.0.0.1:$PORT/api/v1/quotas/load-agent-1"

rps() { awk '/Requests\/sec/ {print $2}' "/tmp/governor-wrk-$1.txt"; }
p() { awk -v q="$2" '$1 == q {print $2}' "/tmp/governor-wrk-$1.txt"; }
errors() { awk '/Non-2xx|Socket errors/ {print}' "/tmp/governor-wrk-$1.txt" | tr '\n' ' '; }
H=$(rps health); Q=$(rps quota)
RATIO=$(awk -v q="$Q" -v h="$H" 'BEGIN {printf "%.2f", q / h}')
{
  echo "# GET /api/v1/quotas/{id} vs GET /health"
  echo
  echo "$(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, wrk -t$THREADS -c$CONNECTIONS -d$DURATION on the same machine as the node."
  echo
  echo "| endpoint | req/s | p50 | p90 | p99 | errors |"
  echo "| --- | ---: | ---: | ---: | ---: | --- |"
  echo "| GET /health (baseline) | $H | $(p health 50%) | $(p health 90%) | $(p health 99%) | $(errors health) |"
  echo "| GET /api/v1/quotas/{id} | $Q | $(p quota 50%) | $(p quota 90%) | $(p quota 99%) | $(errors quota) |"
  echo
  echo "Quota GET throughput = **$RATIO x** the baseline. Target: >= 15,000 req/s, p99 <= 20 ms."
} > "$OUT"
cat "$OUT"

# Shared helpers for the load-test scripts (sourced, not run).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
RESULTS="$ROOT/load-tests/results"
BENCH_JAR="$ROOT/target/benchmarks.jar"
JVM_FLAGS=(-Djava.util.concurrent.ForkJoinPool.common.parallelism=4
  --add-exports java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED
  --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED
  --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED)
mkdir -p "$RESULTS"

# Builds target/benchmarks.jar (main code + src/jmh: JMH benchmarks and the load drivers) unless SKIP_BUILD=1.
build() {
  if [[ "${SKIP_BUILD:-0}" != 1 || ! -f "$BENCH_JAR" ]]; then
    (cd "$ROOT" && mvn -q -Pjmh package -DskipTests)
  fi
}

# The machine description every results file starts with.
machine() {
  echo "## Machine"
  echo
  echo '```'
  echo "date:    $(date -u +%Y-%m-%dT%H:%M:%SZ)"
  echo "commit:  $(cd "$ROOT" && git rev-parse --short HEAD)$(cd "$ROOT" && git diff --quiet HEAD -- src || echo ' (+ uncommitted changes)')"
  echo "nproc:   $(nproc)"
  echo "cpu:     $(lscpu | sed -n 's/^Model name: *//p') ($(lscpu | sed -n 's/^Hypervisor vendor: *//p') guest)"
  echo "memory:  $(free -m | awk '/^Mem:/ {print $2 " MB"}')"
  echo "load:    $(cut -d' ' -f1-3 /proc/loadavg) (1/5/15 min load average at start; the machine is shared)"
  java -version 2>&1 | sed 's/^/java:    /'
  echo '```'
}

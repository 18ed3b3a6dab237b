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

# Runs a load driver that writes $out.run.md and $out.csv, keeping its output (less noise) in
# $out.log, then writes $out.md: the title, the machine, the command and the run's report.
# Usage: run_bench OUT "title" command...
run_bench() {
  local out=$1 title=$2
  shift 2
  "$@" 2>&1 | grep -v -E '^\s*$|WARNING|^[0-9:.]+ (INFO|WARN)' | tee "$out.log"
  {
    echo "# $title"
    echo
    machine
    echo
    echo "Command: \`$*\`"
    echo
    cat "$out.run.md"
  } > "$out.md"
  rm -f "$out.run.md"
  echo "wrote $out.md and $out.csv"
}

# Shared by the Java-driven scenarios: compile main and test classes (drivers live in
# src/test/java/io/agentgovernor/load, named so Surefire never runs them), build the jar if it is
# missing, then run the driver on the test classpath. Every driver bounds its own run time.
build_classes() {
  [ -f target/agent-governor.jar ] || mvn -q package -DskipTests
  mvn -q test-compile
  mvn -q dependency:build-classpath -Dmdep.outputFile=target/load-classpath.txt >/dev/null
}
run_driver() { # main-class command-line args...
  local main=$1 cmdline=$2; shift 2
  build_classes
  local cp="target/test-classes:target/classes:$(cat target/load-classpath.txt)"
  java -Xmx768m -Djava.util.concurrent.ForkJoinPool.common.parallelism=4 \
    --add-opens java.base/java.lang=ALL-UNNAMED -Dlogback.configurationFile=src/main/resources/logback.xml \
    -Dload.command="$cmdline" -cp "$cp" "$main" "$@"
}

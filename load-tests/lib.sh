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

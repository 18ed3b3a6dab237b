#!/usr/bin/env bash
# Fault harness (Jepsen style), issue 12: seeded rounds of kill -9 (and restart), SIGSTOP/SIGCONT,
# a node cut off at the switch and a non-transitive split, over three node JVMs in network
# namespaces joined by veth pairs and a Linux bridge, while clients write quotas and send
# messages; then the checkers (src/test/java/io/agentgovernor/reliability/jepsen). Needs root.
# Writes results/jepsen.md; each round's evidence stays in target/jepsen/load/seed-N/.
# Usage: load-tests/jepsen.sh [rounds=20] [faultsPerRound=4] [firstSeed=1]
set -euo pipefail
cd "$(dirname "$0")/.."
source load-tests/lib.sh
if [[ "$(id -u)" != 0 ]]; then
  echo "jepsen.sh needs root: it builds network namespaces, veth pairs and a bridge" >&2
  exit 2
fi
if [[ "${SKIP_BUILD:-0}" != 1 ]]; then
  mvn -q -o package -DskipTests || mvn -q package -DskipTests   # the jar the nodes run, and the test classes
fi
rounds=${1:-20}
# every wait inside a round is bounded; this bounds the whole run as well (5 minutes a round)
timeout $((rounds * 300 + 120)) java -Xmx512m -cp target/test-classes:target/agent-governor.jar \
  -Dgovernor.jar=target/agent-governor.jar -Dload.command="load-tests/jepsen.sh $*" -Djepsen.machine="$(machine)" \
  io.agentgovernor.reliability.jepsen.JepsenLoad "$@"

#!/usr/bin/env bash
# Three node JVMs on loopback with 3 x perNode idle agents: quota updates visible on all nodes
# (target p99 <= 1 s) and kill -9 of one node under quota writes (failover time). Issue 8.
# Usage: load-tests/cluster.sh [perNode=10000] [restartPerNode=1000] [updates=200]
set -euo pipefail
cd "$(dirname "$0")/.."
source load-tests/lib.sh
run_driver io.agentgovernor.load.ClusterLoad "load-tests/cluster.sh $*" "$@"

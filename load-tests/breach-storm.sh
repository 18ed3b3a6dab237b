#!/usr/bin/env bash
# Breach storm: 1,000 agents over their hard limits in one burst of quota PUTs; every breach acted on,
# p99 breach-to-action <= 100 ms, no event lost on the feed (issue 8). Baseline: solo breaches, same run.
# Usage: load-tests/breach-storm.sh [agents=1000] [solo=10] [intervalMs=1000]
set -euo pipefail
cd "$(dirname "$0")/.."
source load-tests/lib.sh
run_driver io.agentgovernor.load.StormLoad "load-tests/breach-storm.sh $*" "$@"

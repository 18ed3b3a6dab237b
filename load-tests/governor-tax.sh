#!/usr/bin/env bash
# The governor tax: N work agents with monitoring on vs off (monitor.enabled: false), each mode in
# a fresh node JVM, alternating. Targets (issue 8): governor <= 3 % of the CPU, <= 16 KB heap per agent.
# Usage: load-tests/governor-tax.sh [agents=10000] [reps=2] [warmupS=20] [measureS=30] [periodMs=1000] [rounds=20000]
set -euo pipefail
cd "$(dirname "$0")/.."
source load-tests/lib.sh
run_driver io.agentgovernor.load.TaxLoad "load-tests/governor-tax.sh $*" "$@"

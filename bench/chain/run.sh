#!/bin/sh
# Chain engine benchmark: linking throughput, gap analysis and ranking on synthetic firms.
# Usage: bench/chain/run.sh [N_FIRMS] [SEED]   Results: bench/results/chain.json
set -eu
cd "$(dirname "$0")/../.."
PY="${PY:-.venv/bin/python}"
"$PY" bench/chain/bench_chain.py "${1:-20000}" "${2:-0}" | tee bench/results/chain.json

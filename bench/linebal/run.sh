#!/bin/sh
# Scholl benchmark for the line-balancing engine (SALBP-1: 269 instances, SALBP-2: 302).
# Usage: bench/linebal/run.sh [TIME_LIMIT_PER_INSTANCE] [JOBS]
# Results: bench/results/linebal-salbp1.csv, linebal-salbp2.csv and the printed summaries
# (saved beside them as .json). Data: ../shared/data/linebal/scholl (see its README).
set -eu
cd "$(dirname "$0")/../.."
LIMIT="${1:-10}"
JOBS="${2:-$(nproc)}"
DATA="${LINEBAL_DATA:-../shared/data/linebal/scholl}"
JINXIU="${JINXIU:-.venv/bin/jinxiu}"
for SET in salbp1 salbp2; do
    "$JINXIU" linebal bench --set "$SET" --data "$DATA" --time-limit "$LIMIT" --jobs "$JOBS" \
        --seed 0 --out "bench/results/linebal-$SET.csv" | tee "bench/results/linebal-$SET.json"
done

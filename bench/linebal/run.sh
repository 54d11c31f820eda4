#!/bin/sh
# Scholl benchmark for the line-balancing engine (SALBP-1: 269 instances, SALBP-2: 302).
# Usage: bench/linebal/run.sh [SALBP1_LIMIT] [JOBS] [SALBP2_LIMIT]
# (seconds per instance; defaults 40, all cores, 10). The goals are about the wall time of
# a whole set; the proven instances stop early, so SALBP-1's longer limit costs only what
# its hardest instance (BARTHOL2 c = 85, 25-30 s) needs. SALBP-2's ten open instances would
# spend a longer limit in full, so that set keeps 10 s.
# Results: bench/results/linebal-salbp1.csv, linebal-salbp2.csv and the printed summaries
# (saved beside them as .json). Data: ../shared/data/linebal/scholl (see its README).
set -eu
cd "$(dirname "$0")/../.."
LIMIT1="${1:-40}"
JOBS="${2:-$(nproc)}"
LIMIT2="${3:-10}"
DATA="${LINEBAL_DATA:-../shared/data/linebal/scholl}"
JINXIU="${JINXIU:-.venv/bin/jinxiu}"
for SET in salbp1 salbp2; do
    LIMIT="$LIMIT1"
    [ "$SET" = salbp2 ] && LIMIT="$LIMIT2"
    "$JINXIU" linebal bench --set "$SET" --data "$DATA" --time-limit "$LIMIT" --jobs "$JOBS" \
        --seed 0 --out "bench/results/linebal-$SET.csv" | tee "bench/results/linebal-$SET.json"
done

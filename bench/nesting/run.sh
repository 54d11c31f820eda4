#!/usr/bin/env bash
# Marker making (排料) benchmark: the seven ESICUP garment instances, our engine against plain
# spyrrow on the same budget in the same run, gaps to the best-known results.
#
#   bash bench/nesting/run.sh                      # 60 s × 3 seeds × 7 instances × 2 methods ≈ 45 min
#   TIME=30 SEEDS=1 INSTANCES=shirts,swim bash bench/nesting/run.sh
#
# Results: bench/results/nesting-esicup-garment-<TIME>s.csv (+ .meta.json with versions,
# seeds, time limit, workers and machine).
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
data="${DATA:-$here/../shared/data/nesting/esicup}"
time_limit="${TIME:-60}"
seeds="${SEEDS:-3}"
args=(--set esicup-garment --data "$data" --time-limit "$time_limit" --seeds "$seeds")
[ -n "${INSTANCES:-}" ] && args+=(--instances "$INSTANCES")
[ -n "${WORKERS:-}" ] && args+=(--workers "$WORKERS")
[ -n "${PORTFOLIO:-}" ] && args+=(--portfolio "$PORTFOLIO")
out="${OUT:-$here/bench/results/nesting-esicup-garment-${time_limit}s.csv}"
jinxiu="$(command -v jinxiu || echo "$here/.venv/bin/jinxiu")"
exec "$jinxiu" nesting bench "${args[@]}" --out "$out"

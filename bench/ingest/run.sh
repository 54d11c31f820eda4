#!/usr/bin/env bash
# Floor-event ingestion, the goal's measurement (issue 8): 50 lines × 40 stations on loopback,
# 5 minutes per run with one SIGKILL of the ingest process half-way (restarted a second later),
# zero loss and zero duplicates counted in the database afterwards:
#   1. HTTP on PostgreSQL, 2. MQTT on PostgreSQL (Mosquitto at 127.0.0.1:1883),
#   3. HTTP on SQLite (the embedded default; its figure is reported, no goal).
# Results: bench/results/ingest.jsonl (one JSON line per run, with the load average).
#
#   bash bench/ingest/run.sh
#   SECONDS_PER_RUN=60 bash bench/ingest/run.sh          # a quick check
#   BENCH_DB_PREFIX=me_ BENCH_TMP=/tmp/me bash bench/ingest/run.sh   # on a shared machine
set -uo pipefail
cd "$(dirname "$0")/../.."
secs="${SECONDS_PER_RUN:-300}"
out=bench/results/ingest.jsonl
mkdir -p "${BENCH_TMP:-/tmp}"
status=0
run() {
  echo "# $(date -u +%FT%TZ) $(git rev-parse --short HEAD) $* — $(uptime)" >&2
  .venv/bin/python bench/ingest/loadgen.py "$@" --seconds "$secs" \
    --kill-at "$(( secs / 2 ))" | tee -a "$out" || status=1
}
if (echo > /dev/tcp/127.0.0.1/5432) 2>/dev/null; then
  run --transport http --db postgres
  if (echo > /dev/tcp/127.0.0.1/1883) 2>/dev/null; then
    run --transport mqtt --db postgres
  else
    echo "no MQTT broker at 127.0.0.1:1883: MQTT run skipped" >&2; status=1
  fi
else
  echo "no PostgreSQL at 127.0.0.1:5432: PostgreSQL runs skipped" >&2; status=1
fi
run --transport http --db sqlite
exit $status

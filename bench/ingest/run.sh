#!/usr/bin/env bash
# Floor-event ingestion benchmark: 50 lines × 40 stations on loopback, over HTTP and MQTT, on
# SQLite and (when it answers at 127.0.0.1:5432) PostgreSQL, each with one SIGKILL of the
# ingest process half-way. Results: bench/results/ingest.jsonl (one JSON line per run).
#
#   bash bench/ingest/run.sh                  # 60 s per run
#   SECONDS_PER_RUN=300 bash bench/ingest/run.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
secs="${SECONDS_PER_RUN:-60}"
out=bench/results/ingest.jsonl
dbs=(sqlite)
if (echo > /dev/tcp/127.0.0.1/5432) 2>/dev/null; then dbs+=(postgres); fi
transports=(http)
if (echo > /dev/tcp/127.0.0.1/1883) 2>/dev/null; then transports+=(mqtt); fi
for db in "${dbs[@]}"; do
  for transport in "${transports[@]}"; do
    .venv/bin/python bench/ingest/loadgen.py --transport "$transport" --db "$db" \
      --seconds "$secs" --kill-at "$(( secs / 2 ))" | tee -a "$out"
  done
done

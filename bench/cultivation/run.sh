#!/bin/sh
# Batch evaluation through the cultivation job (read, engine with evidence and gap lists,
# write), on a throwaway SQLite database. Usage: bench/cultivation/run.sh [ENTERPRISES]
# Result: bench/results/cultivation-batch.json
set -eu
cd "$(dirname "$0")/../.."
PYTHON="${PYTHON:-.venv/bin/python}"
"$PYTHON" bench/cultivation/batch.py "${1:-1000}" | tee bench/results/cultivation-batch.json

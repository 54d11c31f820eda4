#!/usr/bin/env bash
# Registry benchmark: 100,000 synthetic firms with 5 years of indicators; the enterprise list
# page with filters (p50/p95 over repeated requests) and a 50,000-row Excel import, on SQLite
# and, when postgres://postgres@127.0.0.1:5432 answers, on a fresh PostgreSQL database.
#
#   bash bench/registry/run.sh                 # FIRMS=100000 IMPORT_ROWS=50000 REPEAT=30
#   FIRMS=5000 IMPORT_ROWS=2000 bash bench/registry/run.sh   # a quick look
#   ONLY=sqlite bash bench/registry/run.sh     # or ONLY=postgresql
#
# Results: bench/results/registry-<sqlite|postgresql>.json (+ registry.md by hand).
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
py="${PYTHON:-$here/.venv/bin/python}"
work="${WORK:-$(mktemp -d /tmp/jinxiu-bench-registry.XXXXXX)}"
export DJANGO_SETTINGS_MODULE=jinxiu.config.settings.base
export JINXIU_VAR_DIR="$work/var" JINXIU_SECRET_KEY="bench-only-secret-key-0123456789abcdef"
export JINXIU_DEMO_CLUSTER_FIRMS=0
only="${ONLY:-}"   # sqlite or postgresql: run one of the two
if [ "$only" != postgresql ]; then
    JINXIU_DATABASE_URL="sqlite:///$work/registry.sqlite3" \
        "$py" "$here/bench/registry/bench.py" --out "$here/bench/results/registry-sqlite.json"
fi
[ "$only" = sqlite ] && exit 0
if "$py" -c "import psycopg; psycopg.connect('postgresql://postgres@127.0.0.1:5432/postgres', connect_timeout=3).close()" 2>/dev/null; then
    name="jinxiu_bench_registry_$(date +%s)"
    "$py" -c "import psycopg,sys; c=psycopg.connect('postgresql://postgres@127.0.0.1:5432/postgres', autocommit=True); c.execute('CREATE DATABASE ' + sys.argv[1])" "$name"
    JINXIU_DATABASE_URL="postgres://postgres@127.0.0.1:5432/$name" \
        "$py" "$here/bench/registry/bench.py" --out "$here/bench/results/registry-postgresql.json"
    "$py" -c "import psycopg,sys; c=psycopg.connect('postgresql://postgres@127.0.0.1:5432/postgres', autocommit=True); c.execute('DROP DATABASE ' + sys.argv[1])" "$name"
else
    echo "PostgreSQL at 127.0.0.1:5432 does not answer: SQLite only."
fi

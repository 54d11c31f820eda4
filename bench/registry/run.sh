#!/usr/bin/env bash
# Registry benchmark: 100,000 synthetic firms with 5 years of indicators; the enterprise list
# page with filters (p50/p95 over repeated requests), each city's chain atlas and a 50,000-row
# Excel import, on SQLite and, when postgres://postgres@127.0.0.1:5432 answers, on a fresh
# PostgreSQL database.
#
#   bash bench/registry/run.sh                 # FIRMS=100000 IMPORT_ROWS=50000 REPEAT=30
#   FIRMS=5000 IMPORT_ROWS=2000 bash bench/registry/run.sh   # a quick look
#   ONLY=sqlite bash bench/registry/run.sh     # or ONLY=postgresql
#
# Reusing the generated registry (loading and linking 100,000 firms takes minutes):
#   REUSE=1 WORK=/tmp/x bash bench/registry/run.sh
# The first such run prepares a base database (generate, load, link: $WORK/base.sqlite3, and
# the PostgreSQL database ${PG_NAME}_base, which stays until you drop it); every run then
# measures on a fresh copy of it (the import writes), migrated to the current code.
# PG_BASE names a prepared PostgreSQL base of another name (copies are still ${PG_NAME}_<time>).
# RELINK=1 measures re-linking on the copy again; SKIP_LIST, SKIP_ATLAS, SKIP_IMPORT=1 skip a part.
#
# Results: bench/results/registry-<sqlite|postgresql>${SUFFIX}.json (+ registry.md by hand);
# e.g. SUFFIX=-atlas with SKIP_LIST=1 SKIP_IMPORT=1.
set -euo pipefail
here="$(cd "$(dirname "$0")/../.." && pwd)"
py="${PYTHON:-$here/.venv/bin/python}"
work="${WORK:-$(mktemp -d /tmp/jinxiu-bench-registry.XXXXXX)}"
mkdir -p "$work"
export DJANGO_SETTINGS_MODULE=jinxiu.config.settings.base
export JINXIU_VAR_DIR="$work/var" JINXIU_SECRET_KEY="bench-only-secret-key-0123456789abcdef"
export JINXIU_DEMO_CLUSTER_FIRMS=0
only="${ONLY:-}"   # sqlite or postgresql: run one of the two
reuse="${REUSE:-}"
pg_name="${PG_NAME:-jinxiu_bench_registry}"
pg_admin="postgresql://postgres@127.0.0.1:5432/postgres"
bench() { "$py" "$here/bench/registry/bench.py" "$@"; }
pg() {  # one statement on the server's postgres database; prints a SELECT's first value
    "$py" -c "import psycopg,sys; c=psycopg.connect('$pg_admin', autocommit=True); cur=c.execute(sys.argv[1]); r=cur.fetchall() if cur.description else None; print(r[0][0] if r else '')" "$1"
}

if [ "$only" != postgresql ]; then
    db="$work/registry.sqlite3"
    rm -f "$db" "$db-wal" "$db-shm"
    if [ -n "$reuse" ]; then
        if [ ! -f "$work/base.sqlite3" ]; then
            PREPARE_ONLY=1 JINXIU_DATABASE_URL="sqlite:///$work/base.sqlite3" \
                bench --out "$work/prepare-sqlite.json"
        fi
        # the backup API copies a consistent database whatever is left in the WAL
        "$py" -c "import sqlite3,sys; s=sqlite3.connect(sys.argv[1]); d=sqlite3.connect(sys.argv[2]); s.backup(d); d.close(); s.close()" \
            "$work/base.sqlite3" "$db"
    fi
    JINXIU_DATABASE_URL="sqlite:///$db" bench --out "$here/bench/results/registry-sqlite${SUFFIX:-}.json"
fi
[ "$only" = sqlite ] && exit 0
if "$py" -c "import psycopg; psycopg.connect('$pg_admin', connect_timeout=3).close()" 2>/dev/null; then
    name="${pg_name}_$(date +%s)"
    if [ -n "$reuse" ]; then
        base="${PG_BASE:-${pg_name}_base}"  # PG_BASE: another's prepared base, copied only
        if [ -z "$(pg "SELECT 1 FROM pg_database WHERE datname = '$base'")" ]; then
            pg "CREATE DATABASE $base"
            PREPARE_ONLY=1 JINXIU_DATABASE_URL="postgres://postgres@127.0.0.1:5432/$base" \
                bench --out "$work/prepare-postgresql.json"
        fi
        pg "CREATE DATABASE $name TEMPLATE $base"
    else
        pg "CREATE DATABASE $name"
    fi
    JINXIU_DATABASE_URL="postgres://postgres@127.0.0.1:5432/$name" \
        bench --out "$here/bench/results/registry-postgresql${SUFFIX:-}.json"
    pg "DROP DATABASE $name"
else
    echo "PostgreSQL at 127.0.0.1:5432 does not answer: SQLite only."
fi

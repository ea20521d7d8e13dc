#!/usr/bin/env bash
# Product reads against healthz, warmed up, alternating between builds:
# the figure behind "product reads / healthz", whose spread between runs on
# a shared 2-core machine (±15%) is wider than most changes to the read
# path. Each run starts the server, warms both routes for 2 s, then runs
# wrk -t2 -c32 for SECONDS on /healthz and on products.lua.
# Usage: Benchmarks/reads.sh [--db SQLITE_FILE|postgres://…] [--pairs N] [--seconds S] BINARY...
#   Without --db, a store of 10,000 products is seeded into a temporary
#   file. With several binaries (e.g. a copy of the build before a change
#   and .build/release/backroom), runs go round-robin, N rounds.
set -euo pipefail
cd "$(dirname "$0")/.."
db="" pairs=3 seconds=6
while [ $# -gt 0 ]; do
    case "$1" in
        --db) db=$2; shift 2 ;;
        --pairs) pairs=$2; shift 2 ;;
        --seconds) seconds=$2; shift 2 ;;
        *) break ;;
    esac
done
[ $# -gt 0 ] || { echo "usage: $0 [--db STORE] [--pairs N] [--seconds S] BINARY..." >&2; exit 2; }
command -v wrk >/dev/null || { echo "install wrk: apt-get install -y wrk" >&2; exit 1; }
work=$(mktemp -d)
trap '[ -z "${server:-}" ] || kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
if [ -z "$db" ]; then
    db="$work/bench.sqlite"
    "$1" seed --db "$db" --products 10000 --users 100 --password-cost 4 >/dev/null
fi
port=18081
"$1" serve --db "$db" --port "$port" --log-level error > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
# The first 1,000 active SKUs, read through the API (works on either store).
python3 - "$port" > "$work/skus.txt" <<'PY'
import json, sys, urllib.request
port, cursor, skus = sys.argv[1], None, []
while len(skus) < 1000:
    url = f"http://127.0.0.1:{port}/api/v1/products?limit=200" + (f"&cursor={cursor}" if cursor else "")
    page = json.load(urllib.request.urlopen(url))
    skus += [item["sku"] for item in page["items"]]
    cursor = page.get("nextCursor")
    if not cursor: break
print("\n".join(skus[:1000]))
PY
kill -INT "$server"; wait "$server" 2>/dev/null || true; server=""
rate() { awk '/Requests\/sec/ {print $2}'; }
echo "# product reads / healthz: wrk -t2 -c32 -d${seconds}s after a 2 s warm-up, $pairs round(s), store $db"
for _ in $(seq 1 "$pairs"); do
    for binary in "$@"; do
        "$binary" serve --db "$db" --port "$port" --log-level error > "$work/server.log" 2>&1 &
        server=$!
        for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
        wrk -t2 -c32 -d2s "http://127.0.0.1:$port/healthz" > /dev/null
        SKU_FILE="$work/skus.txt" wrk -t2 -c32 -d2s -s Benchmarks/products.lua "http://127.0.0.1:$port" > /dev/null
        healthz=$(wrk -t2 -c32 -d"${seconds}s" "http://127.0.0.1:$port/healthz" | rate)
        reads=$(SKU_FILE="$work/skus.txt" wrk -t2 -c32 -d"${seconds}s" -s Benchmarks/products.lua "http://127.0.0.1:$port" | rate)
        kill -INT "$server"; wait "$server" 2>/dev/null || true; server=""
        python3 -c "print(f'$binary: healthz {float($healthz):,.0f} req/s, reads {float($reads):,.0f} req/s, reads / healthz {float($reads)/float($healthz):.2f}')"
    done
done

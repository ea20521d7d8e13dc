#!/usr/bin/env bash
# Bulk work on a release build, in one run:
#   1. export 1M products (CSV) and import them into an empty store; export
#      again and compare (the round trip at scale); peak RSS of each
#   2. export the stock of 1M products and import it as counts
#   3. a stock take of 10,000 counts: per-scan cost and the commit
#   4. POST /api/v1/admin/stock/adjustments with 1,000 items per request
# Usage: Benchmarks/transfer.sh [products, default 1000000] [seconds for wrk, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
products=${1:-1000000}
duration=${2:-10}
command -v wrk >/dev/null || { echo "install wrk: apt-get install -y wrk" >&2; exit 1; }
swift build -c release --product backroom >/dev/null
binary=$PWD/.build/release/backroom
work=$(mktemp -d)
trap '[ -z "${server:-}" ] || kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
source_db="$work/source.sqlite"
target_db="$work/target.sqlite"

# Runs a command under GNU time; prints "<seconds> <peak RSS MB>".
measure() {
    /usr/bin/time -f "%e %M" -o "$work/time.txt" "$@" > "$work/out.txt"
    awk '{printf "%s %.0f\n", $1, $2 / 1024}' "$work/time.txt"
}
rate() { python3 -c "print(f'{$1/$2:,.0f}')"; }

echo "# transfer benchmark: $products products, release build, $(nproc) cores"
"$binary" seed --db "$source_db" --products "$products" --users 10 --orders 0 --password-cost 4 >/dev/null
"$binary" migrate --db "$target_db" >/dev/null

read -r seconds rss < <(measure "$binary" export products --db "$source_db" --out "$work/products.csv")
echo "export products: $products rows in $seconds s = $(rate "$products" "$seconds") rows/s, peak RSS $rss MB ($(du -h "$work/products.csv" | cut -f1))"
read -r seconds rss < <(measure "$binary" import products "$work/products.csv" --db "$target_db")
echo "import products into an empty store: $products rows in $seconds s = $(rate "$products" "$seconds") rows/s, peak RSS $rss MB"
"$binary" export products --db "$target_db" --out "$work/again.csv"
if cmp -s "$work/products.csv" "$work/again.csv"; then echo "round trip: the second export is identical"; else echo "round trip: the exports DIFFER"; exit 1; fi

read -r seconds rss < <(measure "$binary" export stock --db "$source_db" --out "$work/stock.csv")
echo "export stock: $products rows in $seconds s = $(rate "$products" "$seconds") rows/s, peak RSS $rss MB"
# The counts of the source store, on the target store: every SKU is a
# cycle count (equal counts write nothing, so shift on hand by one first).
python3 - "$work/stock.csv" "$work/counts.csv" <<'PY'
import csv, sys
with open(sys.argv[1], newline="") as source, open(sys.argv[2], "w", newline="") as target:
    rows = csv.DictReader(source)
    out = csv.writer(target)
    out.writerow(["sku", "count", "reference"])
    for row in rows:
        out.writerow([row["sku"], int(row["on_hand"]) + 1, "bench"])
PY
read -r seconds rss < <(measure "$binary" import stock "$work/counts.csv" --db "$target_db")
echo "import stock counts: $products rows in $seconds s = $(rate "$products" "$seconds") rows/s, peak RSS $rss MB"
"$binary" check --db "$target_db" >/dev/null && echo "check: the imported store is consistent"

"$binary" bench stock-take --db "$source_db" --counts 10000

port=18090
"$binary" serve --db "$source_db" --port "$port" --log-level error > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
token=$(curl -fs -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d '{"email":"admin@backroom.local","password":"backroom-demo"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
sqlite3 "$source_db" "SELECT sku FROM product WHERE status = 'active' ORDER BY id LIMIT 1000" \
    | python3 -c 'import json,sys; print(json.dumps({"onError": "reject-all", "items": [{"sku": s.strip(), "delta": 1, "reason": "received", "reference": "bench"} for s in sys.stdin]}))' > "$work/bulk.json"
for connections in 1 4; do
    TOKEN=$token BODY_FILE="$work/bulk.json" wrk -t1 -c"$connections" -d"${duration}s" --latency -s Benchmarks/stock-bulk.lua "http://127.0.0.1:$port/api/v1/admin/stock/adjustments" > "$work/bulk.txt"
    requests=$(awk '/Requests\/sec/ {print $2}' "$work/bulk.txt")
    echo "bulk stock API, 1,000 items per request, $connections connection(s): $requests requests/s = $(python3 -c "print(f'{$requests*1000:,.0f}')") items/s; p50 $(awk '/ 50%/ {print $2}' "$work/bulk.txt"), p99 $(awk '/ 99%/ {print $2}' "$work/bulk.txt"); $(grep "^refused" "$work/bulk.txt")"
done
kill -INT "$server"; wait "$server" 2>/dev/null || true; server=
"$binary" check --db "$source_db" >/dev/null && echo "check: the benchmarked store is consistent"

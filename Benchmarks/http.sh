#!/usr/bin/env bash
# HTTP benchmarks with wrk against a release build, in one run:
#   1. GET /healthz (the framework's floor) vs GET /api/v1/products/{sku}
#   2. checkout over HTTP with 32 connections (cart, line, checkout per order),
#      and add to cart on a new cart with 16 (two requests vs one)
#   3. product reads with telemetry on vs off (throughput, CPU and
#      instructions per request)
# Usage: Benchmarks/http.sh [seconds per run, default 10]
#   BENCH_POSTGRES=postgres://… serves a PostgreSQL copy of the seeded store
#   (the database is emptied first); BENCH_TELEMETRY=no skips part 3;
#   BENCH_BINARY=path measures that build instead (e.g. a copy of the
#   binary before a change, for alternating pairs).
# wrk and the server share this machine's cores; figures are ratios of runs
# made the same way, minutes apart.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10}
command -v wrk >/dev/null || { echo "install wrk: apt-get install -y wrk" >&2; exit 1; }
if [ -n "${BENCH_BINARY:-}" ]; then
    binary=$BENCH_BINARY
else
    swift build -c release --product backroom >/dev/null
    binary=.build/release/backroom
fi
work=$(mktemp -d)
trap '[ -z "${server:-}" ] || kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT
db="$work/bench.sqlite"
"$binary" seed --db "$db" --products 10000 --users 100 --password-cost 4 >/dev/null
sqlite3 "$db" "SELECT sku FROM product WHERE status = 'active' ORDER BY id LIMIT 1000" > "$work/skus.txt"
served="$db"
if [ -n "${BENCH_POSTGRES:-}" ]; then
    "$binary" copy --from "$db" --to "$BENCH_POSTGRES" --replace-target >/dev/null
    served="$BENCH_POSTGRES"
fi
port=18080

start() {
    "$binary" serve --db "$served" --port "$port" --log-level error "$@" > "$work/server.log" 2>&1 &
    server=$!
    for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && return; sleep 0.1; done
    echo "server did not start" >&2; cat "$work/server.log" >&2; exit 1
}
stop() { kill -INT "$server"; wait "$server" 2>/dev/null || true; }
rate() { awk '/Requests\/sec/ {print $2}'; }

kind=SQLite; [ -z "${BENCH_POSTGRES:-}" ] || kind=PostgreSQL
echo "# HTTP benchmark: wrk -t2 -c32 -d${duration}s, release build, $(nproc) cores shared with wrk; store: $kind"
start
wrk -t2 -c32 -d"${duration}s" --latency "http://127.0.0.1:$port/healthz" > "$work/healthz.txt"
SKU_FILE="$work/skus.txt" wrk -t2 -c32 -d"${duration}s" --latency -s Benchmarks/products.lua "http://127.0.0.1:$port" > "$work/products.txt"
healthz=$(rate < "$work/healthz.txt")
products=$(rate < "$work/products.txt")
echo "GET /healthz: $healthz req/s; p50 $(awk '/ 50%/ {print $2}' "$work/healthz.txt"), p99 $(awk '/ 99%/ {print $2}' "$work/healthz.txt")"
echo "GET /api/v1/products/{sku}: $products req/s; p50 $(awk '/ 50%/ {print $2}' "$work/products.txt"), p99 $(awk '/ 99%/ {print $2}' "$work/products.txt")"
python3 -c "print(f'product reads / healthz = {float($products)/float($healthz):.2f}')"

# Checkout: products with plenty of stock, created through the admin API.
token=$(curl -fs -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d '{"email":"admin@backroom.local","password":"backroom-demo"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
for i in $(seq 1 50); do
    curl -fs -X POST "http://127.0.0.1:$port/api/v1/admin/products" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
        -d "{\"sku\":\"BENCH-$i\",\"name\":\"Bench item $i\",\"price\":\"9.90\",\"initialStock\":1000000}" >/dev/null
done
# wrk keeps one Lua state per thread, so each shopper gets its own thread.
wrk -t32 -c32 -d"${duration}s" -s Benchmarks/checkout.lua "http://127.0.0.1:$port" > "$work/checkout.txt"
read -r _ placed _ refused _ seconds < <(grep '^checkouts' "$work/checkout.txt")
python3 -c "print(f'checkout over HTTP: {$placed/$seconds:.0f} orders/s ({$placed} placed, $refused refused) with 32 connections')"
# Add to cart on a new cart, 16 connections: two requests (create, then put
# the line) against one (create with the line in the body).
for mode in two one; do
    ADD_TO_CART=$mode wrk -t16 -c16 -d"${duration}s" -s Benchmarks/add-to-cart.lua "http://127.0.0.1:$port" > "$work/add-$mode.txt"
    read -r _ added _ failed _ seconds < <(grep '^added' "$work/add-$mode.txt")
    python3 -c "print(f'add to cart on a new cart, $mode request(s) each: {$added/$seconds:.0f} carts/s ($added made, $failed failed) with 16 connections')"
done
curl -s -N --max-time 2 "http://127.0.0.1:$port/api/v1/admin/live?window=60" -H "Authorization: Bearer $token" > "$work/live.txt" || true
python3 - "$work/live.txt" <<'PY'
import json, sys
for block in open(sys.argv[1]).read().split("\n\n"):
    if block.startswith("event: metrics"):
        snapshot = json.loads(block.split("data: ", 1)[1])
        for route in snapshot["routes"]:
            if route["route"].endswith("/checkout"):
                print(f"  POST checkout as the server timed it: p50 {route['p50Microseconds']/1000:.2f} ms, p99 {route['p99Microseconds']/1000:.2f} ms")
        break
PY
"$binary" check --db "$served"
stop
[ "${BENCH_TELEMETRY:-yes}" = no ] && exit 0

# Telemetry overhead: the same product reads with the recording middleware
# off and on, eight runs each in the order off on on off off on on off …
# (drift in the machine's speed cancels out): on a shared 2-core VM one
# pair of runs differs by up to ±8%, the medians of eight by a few percent. Throughput on shared cores is noisy, so the
# server's own CPU time per request is reported too, and its instructions
# per request where the machine has hardware counters (`perf stat`; a VM
# often has none, and then the line says so).
cpu() { awk '{print $14+$15}' "/proc/$server/stat"; }
counters=no
if command -v perf >/dev/null && perf stat -x, -e instructions true 2>&1 >/dev/null | grep -q '^[0-9]'; then counters=yes; fi
for mode in off on on off off on on off off on on off off on on off; do
    if [ "$mode" = off ]; then start --no-telemetry; else start; fi
    SKU_FILE="$work/skus.txt" wrk -t2 -c32 -d2s -s Benchmarks/products.lua "http://127.0.0.1:$port" >/dev/null   # warm up
    before=$(cpu)
    if [ "$counters" = yes ]; then
        perf stat -x, -e instructions -p "$server" -o "$work/perf-$mode.txt" -- sleep "$duration" &
        perf_pid=$!
    fi
    SKU_FILE="$work/skus.txt" wrk -t2 -c32 -d"${duration}s" -s Benchmarks/products.lua "http://127.0.0.1:$port" > "$work/products-$mode.txt"
    after=$(cpu)
    instructions=0
    if [ "$counters" = yes ]; then wait "$perf_pid"; instructions=$(awk -F, '/instructions/ {print $1}' "$work/perf-$mode.txt"); fi
    requests=$(awk '/requests in/ {print $1}' "$work/products-$mode.txt")
    echo "$mode $(rate < "$work/products-$mode.txt") $(python3 -c "print(($after-$before)*1e6/$(getconf CLK_TCK)/$requests)") $(python3 -c "print($instructions/$requests)")" >> "$work/overhead.txt"
    stop
done
python3 - "$work/overhead.txt" "$counters" <<'PY'
import statistics, sys
rows = [line.split() for line in open(sys.argv[1])]
def median(mode, column):
    return statistics.median(float(row[column]) for row in rows if row[0] == mode)
off_rate, on_rate = median("off", 1), median("on", 1)
off_cpu, on_cpu = median("off", 2), median("on", 2)
print(f"telemetry off: {off_rate:.0f} req/s, {off_cpu:.1f} µs server CPU per request (median of 8)")
print(f"telemetry on:  {on_rate:.0f} req/s, {on_cpu:.1f} µs server CPU per request (median of 8)")
print(f"telemetry overhead: throughput {(1 - on_rate / off_rate) * 100:.1f}%, CPU per request {(on_cpu / off_cpu - 1) * 100:.1f}%")
if sys.argv[2] == "yes":
    off_ins, on_ins = median("off", 3), median("on", 3)
    print(f"instructions per request: off {off_ins:.0f}, on {on_ins:.0f}, overhead {(on_ins / off_ins - 1) * 100:.1f}%")
else:
    print("instructions per request: not measured (no hardware counters here: perf stat -e instructions is not supported)")
PY

#!/usr/bin/env bash
# Webhooks on a release build, in one run:
#   1. checkouts/s over HTTP with no subscription (the outbox is written either way)
#   2. events/s delivered to a local receiver with 1 subscription, then 10
#   3. checkouts/s while 10 subscriptions are being delivered to
# The receiver is a small Python server on this machine; it shares the two
# cores with the server and wrk, so the figures are ratios of one run.
# Usage: Benchmarks/webhooks.sh [seconds per checkout run, default 10]
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-10}
command -v wrk >/dev/null || { echo "install wrk: apt-get install -y wrk" >&2; exit 1; }
swift build -c release --product backroom >/dev/null
binary=.build/release/backroom
work=$(mktemp -d)
trap '[ -z "${server:-}" ] || kill "$server" 2>/dev/null || true; [ -z "${receiver:-}" ] || kill "$receiver" 2>/dev/null || true; rm -rf "$work"' EXIT
db="$work/bench.sqlite"
"$binary" seed --db "$db" --products 1000 --users 10 --password-cost 4 >/dev/null
port=18095
receiver_port=18096
python3 Benchmarks/webhook-receiver.py "$receiver_port" &
receiver=$!
# Two servers on one store: one takes the orders and sends nothing
# (webhooks.enabled=false), the other only delivers, started when needed,
# so that delivery can be timed on its own.
start_server() { # port, extra settings...
    local server_port=$1; shift
    "$binary" serve --db "$db" --port "$server_port" --log-level error --set allow_private_webhook_targets=true \
        --set webhooks.concurrency=16 "$@" >> "$work/server.log" 2>&1 &
    last_server=$!
    for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$server_port/healthz" >/dev/null 2>&1 && return; sleep 0.1; done
    echo "server did not start" >&2; cat "$work/server.log" >&2; exit 1
}
start_server "$port" --set webhooks.enabled=false
server=$last_server
token=$(curl -fs -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d '{"email":"admin@backroom.local","password":"backroom-demo"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
for i in $(seq 1 50); do
    curl -fs -X POST "http://127.0.0.1:$port/api/v1/admin/products" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
        -d "{\"sku\":\"BENCH-$i\",\"name\":\"Bench item $i\",\"price\":\"9.90\",\"initialStock\":1000000}" >/dev/null
done
checkouts() { # port
    wrk -t32 -c32 -d"${duration}s" -s Benchmarks/checkout.lua "http://127.0.0.1:$1" > "$work/checkout.txt"
    read -r _ placed _ refused _ seconds < <(grep '^checkouts' "$work/checkout.txt")
    python3 -c "print(f'{$placed/$seconds:.0f}')"
}
subscribe() {
    curl -fs -X POST "http://127.0.0.1:$port/api/v1/admin/webhooks" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
        -d "{\"url\":\"http://127.0.0.1:$receiver_port/hook\",\"events\":[\"*\"]}" >/dev/null
}
received() { curl -fs "http://127.0.0.1:$receiver_port/count"; }
events() { sqlite3 "$db" "SELECT ifnull(max(id), 0) FROM outbox_event"; }
# Starts the delivering server and times it until `count` more deliveries arrived.
drain() { # count
    local target=$(( $(received) + $1 )) start end
    start=$(date +%s.%N)
    start_server 18097
    while [ "$(received)" -lt "$target" ]; do sleep 0.1; done
    end=$(date +%s.%N)
    kill -INT "$last_server"; wait "$last_server" 2>/dev/null || true
    python3 -c "print(f'{$1/($end-$start):.0f}')"
}

echo "# webhook benchmark: release build, $(nproc) cores shared with wrk and the receiver"
base=$(checkouts "$port")
echo "checkout over HTTP, no subscription: $base orders/s (32 connections; the outbox is written either way)"

subscribe
first=$(events)
wrk -t8 -c8 -d5s -s Benchmarks/checkout.lua "http://127.0.0.1:$port" > /dev/null
made=$(( $(events) - first ))
echo "1 subscription: $(drain "$made") events/s delivered, from start-up of the delivering process ($made events)"

for _ in $(seq 2 10); do subscribe; done
first=$(events)
wrk -t8 -c8 -d5s -s Benchmarks/checkout.lua "http://127.0.0.1:$port" > /dev/null
made=$(( ($(events) - first) * 10 ))
echo "10 subscriptions: $(drain "$made") deliveries/s ($made deliveries)"

# Checkouts on a server that also delivers to the 10 subscriptions as they come.
start_server 18098
delivering=$last_server
with=$(checkouts 18098)
echo "checkout over HTTP on a server delivering to 10 subscriptions meanwhile: $with orders/s ($(python3 -c "print(f'{(1 - $with/$base)*100:.1f}')")% fewer than without)"
kill -INT "$delivering"; wait "$delivering" 2>/dev/null || true
kill -INT "$server"; wait "$server" 2>/dev/null || true; server=
"$binary" check --db "$db" >/dev/null && echo "check: consistent"

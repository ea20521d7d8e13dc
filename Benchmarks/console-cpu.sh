#!/usr/bin/env bash
# The console's CPU cost while it watches live traffic, and what watching
# costs the server. In one run, against a release build:
#   1. a `backroom serve` process and a console attached to it (--attach) in
#      tmux, so the console's process does UI work and nothing else;
#   2. for 0, 200 and 2,000 requests/s of `backroom loadgen` traffic, the
#      console's CPU (user + system, from /proc/PID/stat) on the metrics
#      pane and on the requests pane;
#   3. the server's throughput (loadgen unthrottled) with no console
#      attached and with one attached on the metrics pane, alternated twice.
# Usage: Benchmarks/console-cpu.sh [seconds per measurement, default 10]
# Everything shares this machine's cores: the loadgen and the server take
# most of them at the higher rates.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-10}
command -v tmux >/dev/null || { echo "install tmux: apt-get install -y tmux" >&2; exit 1; }
swift build -c release --product backroom >/dev/null
binary=$PWD/.build/release/backroom
work=$(mktemp -d)
socket="backroom-bench-$$"
port=18090
cleanup() {
    tmux -L "$socket" kill-server 2>/dev/null || true
    # (Never `kill 0`: that is this whole process group.)
    for pid in "${load:-0}" "${server:-0}"; do [ "$pid" = 0 ] || kill "$pid" 2>/dev/null || true; done
    wait 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
db="$work/shop.sqlite"
"$binary" seed --db "$db" --products 5000 --users 200 --orders 1500 --password-cost 4 >/dev/null
"$binary" serve --db "$db" --port "$port" --log-level error > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
token=$(curl -fs -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d '{"email":"admin@backroom.local","password":"backroom-demo"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
ticks=$(getconf CLK_TCK)

attach_console() {
    tmux -L "$socket" new-session -d -s console -x 120 -y 40 \
        "exec env TERM=xterm-256color LANG=C.UTF-8 $binary console --db $db --attach http://127.0.0.1:$port --token $token --operator admin@backroom.local"
    console=$(tmux -L "$socket" display -p -t console '#{pane_pid}')
    for _ in $(seq 1 100); do tmux -L "$socket" capture-pane -p -t console | grep -q 'live' && return; sleep 0.1; done
    echo "the console did not connect" >&2; tmux -L "$socket" capture-pane -p -t console >&2; exit 1
}
detach_console() { tmux -L "$socket" kill-server 2>/dev/null || true; sleep 0.5; }
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

# Starts load at a rate (0: none) for longer than a measurement.
start_load() {
    load=0
    [ "$1" = 0 ] && return
    "$binary" loadgen --url "http://127.0.0.1:$port" --users 32 --rate "$1" --duration "$((seconds + 8))s" > "$work/load.txt" 2>&1 &
    load=$!
    sleep 3
}
stop_load() { [ "$load" = 0 ] || wait "$load" 2>/dev/null || true; load=0; }
achieved() { sed -n 's/^requests .*= \([0-9,]*\)\/s.*/\1/p' "$work/load.txt" | tr -d ','; }

echo "# console CPU: attached console in tmux (120×40), loadgen --users 32, ${seconds}s per figure, $(nproc) cores shared"
attach_console
for rate in 0 200 2000; do
    for pane in metrics requests; do
        [ "$pane" = metrics ] && key=5 || key=4
        tmux -L "$socket" send-keys -t console "$key"
        start_load "$rate"
        before=$(cpu_ticks "$console")
        sleep "$seconds"
        after=$(cpu_ticks "$console")
        stop_load
        offered=$([ "$rate" = 0 ] && echo 0 || achieved)
        python3 -c "print(f'{$rate:>5} req/s asked ({${offered:-0}:>5} achieved), {\"$pane\":<8} pane: console CPU {100*($after-$before)/$ticks/$seconds:5.1f}% of one core')"
    done
done
detach_console

echo "# server throughput: loadgen --users 32 unthrottled, ${seconds}s each, alternating"
for round in 1 2; do
    for mode in without with; do
        [ "$mode" = with ] && { attach_console; tmux -L "$socket" send-keys -t console 5; }
        "$binary" loadgen --url "http://127.0.0.1:$port" --users 32 --duration "${seconds}s" > "$work/load.txt" 2>&1
        echo "round $round, $mode a console attached: $(achieved) req/s"
        [ "$mode" = with ] && detach_console
    done
done

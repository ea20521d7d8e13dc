#!/usr/bin/env bash
# Keys at key-repeat speed through a real terminal: 100 `j` and 10 PgDn at
# 30 keys a second into a release console in tmux, on a 20,000-product
# store; then where the cursor is, compared with where it should be (no key
# lost). Usage: Benchmarks/console-keys.sh [keys per second, default 30]
set -euo pipefail
cd "$(dirname "$0")/.."
rate=${1:-30}
command -v tmux >/dev/null || { echo "install tmux: apt-get install -y tmux" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "install sqlite3: apt-get install -y sqlite3" >&2; exit 1; }
swift build -c release --product backroom >/dev/null
binary=$PWD/.build/release/backroom
work=$(mktemp -d)
socket="backroom-keys-$$"
cleanup() { tmux -L "$socket" kill-server 2>/dev/null || true; rm -rf "$work"; }
trap cleanup EXIT
db="$work/shop.sqlite"
"$binary" seed --db "$db" --products 20000 --users 50 --orders 200 --password-cost 4 >/dev/null
port=18190
"$binary" serve --db "$db" --port "$port" --log-level error >/dev/null 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
token=$(curl -fs -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d '{"email":"ana@backroom.local","password":"backroom-demo"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
kill "$server"; wait "$server" 2>/dev/null || true

tmux -L "$socket" new-session -d -s console -x 110 -y 30 \
    "exec env TERM=xterm-256color LANG=C.UTF-8 $binary console --db $db --no-server --token $token"
screen() { tmux -L "$socket" capture-pane -p -t console; }
for _ in $(seq 1 100); do screen | grep -q ' of ' && break; sleep 0.1; done
rows=$(screen | grep -c '^│ [A-Z][A-Z][A-Z]-\|^│▶' || true)
selected() { screen | sed -n 's/^│▶\([A-Z0-9-]*\) .*/\1/p'; }
footer() { screen | grep -o '[0-9,]*–[0-9,]* of [0-9,]*' | head -1; }
settle() { local last=""; for _ in $(seq 1 50); do local now; now=$(screen); [ "$now" = "$last" ] && return; last=$now; sleep 0.1; done; }

send_keys() { # key count: key i leaves at start + i/rate, whatever tmux's own time
    local started=$EPOCHREALTIME
    for i in $(seq 1 "$2"); do
        tmux -L "$socket" send-keys -t console "$1"
        sleep "$(awk -v s="$started" -v i="$i" -v r="$rate" -v n="$EPOCHREALTIME" 'BEGIN { w = s + i / r - n; print (w > 0 ? w : 0) }')"
    done
    awk -v s="$started" -v n="$EPOCHREALTIME" -v c="$2" 'BEGIN { printf "%.1f", c / (n - s) }'
}

achieved=$(send_keys j 100)
settle
expected=$(sqlite3 "$db" "SELECT sku FROM product WHERE status = 'active' ORDER BY sku LIMIT 1 OFFSET 100")
got=$(selected)
echo "100 j at $achieved keys/s: selected $got, expected $expected ($( [ "$got" = "$expected" ] && echo 'none lost' || echo 'KEYS LOST'))"

tmux -L "$socket" send-keys -t console g
settle
achieved=$(send_keys PageDown 10)
settle
page=$(footer)
first=$((10 * rows + 1))
echo "10 PgDn at $achieved keys/s: showing $page (a page is $rows rows; expected to start at $first)"

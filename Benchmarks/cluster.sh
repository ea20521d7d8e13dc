#!/usr/bin/env bash
# Scale-out benchmark, in one run on this machine: product reads and
# checkouts through nginx with 1, 2 and 3 nodes on one PostgreSQL
# (Scripts/cluster.sh), and the same against one SQLite node without nginx.
# For each, the CPU each process took per request (nodes, nginx, PostgreSQL,
# read from /proc), because on two cores the nodes, nginx, PostgreSQL and
# wrk share the CPUs: throughput cannot grow with nodes here, the cost per
# request says what separate machines would do.
#
# Usage: Benchmarks/cluster.sh [seconds per run, default 8]
# Needs wrk, nginx and PostgreSQL's server binaries; builds the release binary.
set -euo pipefail
cd "$(dirname "$0")/.."
duration=${1:-8}
command -v wrk >/dev/null || { echo "install wrk: apt-get install -y wrk" >&2; exit 1; }
swift build -c release --product backroom >/dev/null
export BACKROOM_BINARY=$PWD/.build/release/backroom
work=$(mktemp -d)
chmod 711 "$work"   # the postgres user reaches its data directory through it
cluster_dir=$work/cluster
server=""
trap '[ -z "$server" ] || kill "$server" 2>/dev/null || true; bash Scripts/cluster.sh down --dir "$cluster_dir" >/dev/null 2>&1 || true; rm -rf "$work"' EXIT
ticks=$(getconf CLK_TCK)

# CPU seconds (user + system) the processes in $@ used so far.
cpu_of() {
    local total=0 pid
    for pid in "$@"; do
        [ -r "/proc/$pid/stat" ] || continue
        total=$((total + $(awk '{print $14 + $15}' "/proc/$pid/stat")))
    done
    python3 -c "print($total / $ticks)"
}
children() { ps -o pid= --ppid "$1" 2>/dev/null | tr -d ' '; }

# Runs wrk with script $2 against $1; prints "requests seconds" (orders for checkout).
read_run() {
    SKU_FILE="$work/skus.txt" wrk -t2 -c32 -d"${duration}s" -s Benchmarks/products.lua "$1" > "$work/reads.txt"
    awk '/requests in/ {print $1}' "$work/reads.txt"
}
checkout_run() {
    wrk -t32 -c32 -d"${duration}s" -s Benchmarks/checkout.lua "$1" > "$work/checkout.txt"
    read -r _ placed _ refused _ seconds < <(grep '^checkouts' "$work/checkout.txt")
    echo "$placed $refused $seconds"
}

# Bench products with plenty of stock, and the SKUs the reads ask for.
prepare() {
    local url=$1 token=$2
    for i in $(seq 1 50); do
        curl -fs -X POST "$url/api/v1/admin/products" -H "Authorization: Bearer $token" -H 'Content-Type: application/json' \
            -d "{\"sku\":\"BENCH-$i\",\"name\":\"Bench item $i\",\"price\":\"9.90\",\"initialStock\":1000000}" >/dev/null
    done
    curl -fs "$url/api/v1/products?limit=500" | python3 -c 'import json,sys; [print(p["sku"]) for p in json.load(sys.stdin)["items"]]' > "$work/skus.txt"
}

# Measures one shape: $1 label, $2 URL, then the groups of pids: nodes, nginx, postgres.
measure() {
    local label=$1 url=$2 nodes=$3 nginx=$4 postgres=$5
    local before_nodes before_nginx before_pg after_nodes after_nginx after_pg requests placed refused seconds
    before_nodes=$(cpu_of $nodes); before_nginx=$(cpu_of $nginx); before_pg=$(cpu_of $postgres)
    requests=$(read_run "$url")
    after_nodes=$(cpu_of $nodes); after_nginx=$(cpu_of $nginx); after_pg=$(cpu_of $postgres)
    python3 -c "
r=$requests; d=$duration
print(f'| $label | reads | {r/d:,.0f}/s | {($after_nodes-$before_nodes)/r*1e6:,.0f} | {($after_nginx-$before_nginx)/r*1e6:,.0f} | {($after_pg-$before_pg)/r*1e6:,.0f} |')"
    before_nodes=$(cpu_of $nodes); before_nginx=$(cpu_of $nginx); before_pg=$(cpu_of $postgres)
    read -r placed refused seconds < <(checkout_run "$url")
    after_nodes=$(cpu_of $nodes); after_nginx=$(cpu_of $nginx); after_pg=$(cpu_of $postgres)
    # A checkout is three requests (cart, line, checkout): CPU per order.
    python3 -c "
o=$placed; s=$seconds
print(f'| $label | checkouts | {o/s:,.0f}/s | {($after_nodes-$before_nodes)/max(o,1)*1e6:,.0f} | {($after_nginx-$before_nginx)/max(o,1)*1e6:,.0f} | {($after_pg-$before_pg)/max(o,1)*1e6:,.0f} |')"
}

echo "# Scale-out: wrk -c32 for ${duration}s a run, release build, $(nproc) cores shared by wrk, nginx, the nodes and PostgreSQL"
echo
echo "| shape | load | rate | node CPU µs per request/order | nginx CPU µs | PostgreSQL CPU µs |"
echo "|---|---|---|---|---|---|"

# One SQLite node, no nginx.
db=$work/single.sqlite
"$BACKROOM_BINARY" seed --db "$db" --products 2000 --users 50 --orders 200 --password-cost 4 >/dev/null
echo 'bench-admin-password' | "$BACKROOM_BINARY" user add --db "$db" --email bench@backroom.local --role admin --password-stdin --password-cost 4 >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$BACKROOM_BINARY" serve --db "$db" --port "$port" --log-level warning > "$work/single.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break; sleep 0.1; done
token=$(curl -fs -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'Content-Type: application/json' \
    -d '{"email":"bench@backroom.local","password":"bench-admin-password"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
prepare "http://127.0.0.1:$port" "$token"
measure "1 SQLite node, no nginx" "http://127.0.0.1:$port" "$server" "" ""
kill "$server"; wait "$server" 2>/dev/null || true; server=""

for count in 1 2 3; do
    base=$(python3 -c 'import random; print(random.randrange(20000, 50000, 10))')
    bash Scripts/cluster.sh up --nodes "$count" --port "$base" --dir "$cluster_dir" > "$work/up.txt" 2>"$work/up.log" || { cat "$work/up.log" >&2; exit 1; }
    url=$(sed -n 1p "$work/up.txt")
    token=$(sed -n "$((count + 2))p" "$work/up.txt")
    prepare "$url" "$token"
    node_pids=$(cat "$cluster_dir"/node-*.pid)
    nginx_master=$(cat "$cluster_dir/nginx/nginx.pid")
    postmaster=$(head -1 "$cluster_dir/pg/data/postmaster.pid")
    # PostgreSQL's backends come and go with connections; the pool keeps them open through a run.
    measure "$count PostgreSQL node(s) behind nginx" "$url" "$node_pids" "$nginx_master $(children "$nginx_master")" "$postmaster $(children "$postmaster")"
    bash Scripts/cluster.sh down --dir "$cluster_dir" >/dev/null 2>&1
done

echo
echo "PostgreSQL's own checkout ceiling (the service layer on one process, no HTTP):"
pg_bin=$(ls -d /usr/lib/postgresql/*/bin | sort -V | tail -1)
mkdir -p "$work/pg"
as_postgres=(); [ "$(id -u)" = 0 ] && { chmod 711 "$work"; chown postgres "$work/pg"; as_postgres=(runuser -u postgres --); }
"${as_postgres[@]}" "$pg_bin/initdb" -D "$work/pg/data" -U backroom --auth=trust -E UTF8 --locale=C --no-instructions >/dev/null
"${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$work/pg/data" -w -l "$work/pg/log" -o "-k $work/pg -p 5432 -c listen_addresses=" start >/dev/null
"$pg_bin/createdb" -h "$work/pg" -U backroom bench
"$BACKROOM_BINARY" bench stores --postgres "postgres://backroom@/bench?host=$work/pg" --checkouts 2000 --copy-products 20000 | grep -v "^copy"
"${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$work/pg/data" -m fast stop >/dev/null

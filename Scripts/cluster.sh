#!/usr/bin/env bash
# A whole Backroom cluster on this machine, for trying the scale-out shape
# and for the end-to-end tests: a throwaway PostgreSQL, N `backroom serve`
# nodes on consecutive ports sharing it, and nginx in front.
#
#   Scripts/cluster.sh up [--nodes N] [--port P] [--shoppers S] [--dir DIR]
#   Scripts/cluster.sh node K kill|stop|start [--dir DIR]
#   Scripts/cluster.sh down [--dir DIR]
#
# `up` seeds a demo shop and prints, on standard output and in this order:
# the load balancer's URL (port P, default 8090), each node's URL (ports
# P+1 … P+N), an admin token, and last a console command that watches the
# cluster. Progress goes to standard error. A failed `up` stops what it had
# started. With --shoppers S, S simulated shoppers (`backroom loadgen`)
# keep the cluster busy until `down`. `node K` kills (SIGKILL), stops (SIGTERM) or starts node K again,
# to watch nginx route around it. Each node's simulated payment provider
# keeps its charges in DIR/payments-node-K.jsonl. `down` stops exactly what `up` started
# (the processes whose ids it recorded in DIR) and removes DIR.
#
# DIR defaults to $BACKROOM_CLUSTER_DIR, else /tmp/backroom-cluster. The
# binary is $BACKROOM_BINARY, else the newer of .build/release/backroom and
# .build/debug/backroom. PostgreSQL's server binaries are found under
# /usr/lib/postgresql/*/bin (or $BACKROOM_POSTGRES_BIN); as root they run
# as the postgres user. Only loopback addresses are used.
set -Eeuo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)

usage() { sed -n '2,24p' "$0" | sed 's/^# \{0,1\}//' >&2; exit 64; }
say() { echo "cluster: $*" >&2; }

command=${1:-}; [ -n "$command" ] || usage; shift
node_index=""; node_action=""
if [ "$command" = node ]; then
    node_index=${1:-}; node_action=${2:-}
    [[ "$node_index" =~ ^[0-9]+$ ]] && [[ "$node_action" =~ ^(kill|stop|start)$ ]] || usage
    shift 2
fi
nodes=3; port=8090; shoppers=0; dir=${BACKROOM_CLUSTER_DIR:-/tmp/backroom-cluster}
while [ $# -gt 0 ]; do
    case "$1" in
        --nodes) nodes=$2; shift 2 ;;
        --port) port=$2; shift 2 ;;
        --shoppers) shoppers=$2; shift 2 ;;
        --dir) dir=$2; shift 2 ;;
        *) usage ;;
    esac
done
[[ "$nodes" =~ ^[0-9]+$ ]] && [ "$nodes" -ge 1 ] && [ "$nodes" -le 16 ] || { say "--nodes is 1 to 16"; exit 64; }
[[ "$shoppers" =~ ^[0-9]+$ ]] && [ "$shoppers" -le 200 ] || { say "--shoppers is 0 to 200"; exit 64; }
[[ "$port" =~ ^[0-9]+$ ]] && [ "$port" -ge 1024 ] && [ $((port + nodes)) -le 65535 ] || { say "--port is 1024 to $((65535 - nodes))"; exit 64; }

binary=${BACKROOM_BINARY:-}
if [ -z "$binary" ]; then
    # The newer build: a stale release binary must not hide today's debug one.
    binary=$root/.build/debug/backroom
    if [ -x "$root/.build/release/backroom" ] && [ "$root/.build/release/backroom" -nt "$binary" ]; then binary=$root/.build/release/backroom; fi
fi
pg_bin=${BACKROOM_POSTGRES_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
as_postgres=()
[ "$(id -u)" = 0 ] && as_postgres=(runuser -u postgres --)

# --- what `up` records, and how each piece stops -----------------------

pid_alive() { [ -f "$1" ] && kill -0 "$(cat "$1")" 2>/dev/null; }

# Stops the process whose id is in $1: SIGTERM, up to 10 s, then SIGKILL.
stop_pid_file() {
    local file=$1 pid
    [ -f "$file" ] || return 0
    pid=$(cat "$file")
    if kill -0 "$pid" 2>/dev/null; then
        kill -TERM "$pid" 2>/dev/null || true
        for _ in $(seq 1 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    fi
    rm -f "$file"
}

down() {
    [ -d "$dir" ] || { say "nothing to stop in $dir"; return 0; }
    [ -f "$dir/cluster.marker" ] || { say "$dir was not made by cluster.sh; not touching it"; return 1; }
    # nginx first: its keep-alive connections would hold each node's
    # graceful shutdown open. Then the nodes, all at once.
    stop_pid_file "$dir/shoppers.pid"
    stop_pid_file "$dir/nginx/nginx.pid"
    for file in "$dir"/node-*.pid; do [ -e "$file" ] && stop_pid_file "$file" & done
    wait
    if [ -f "$dir/pg/data/postmaster.pid" ]; then
        "${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$dir/pg/data" -m fast -w stop >/dev/null 2>&1 || true
    fi
    rm -rf "$dir"
    say "stopped and removed $dir"
}

# Waits for $1/healthz; gives up at once if the process in pid file $3 died.
wait_healthy() {
    local url=$1 what=$2 pid_file=$3
    for _ in $(seq 1 150); do
        curl -fs "$url/healthz" >/dev/null 2>&1 && return 0
        if ! pid_alive "$pid_file"; then
            say "$what exited before it answered:"
            tail -5 "${pid_file%.pid}.log" "$dir/nginx/logs/error.log" 2>/dev/null >&2 || true
            return 1
        fi
        sleep 0.2
    done
    say "$what did not answer at $url/healthz within 30 s"
    return 1
}

# Starts node K (1-based) in the background, recorded in node-K.pid.
start_node() {
    local k=$1 node_port=$((port + $1))
    nohup "$binary" serve --db "$(cat "$dir/store.url")" --port "$node_port" --node-name "node-$k" \
        --log-level warning --set trusted_proxies=127.0.0.1 --set exempt_loopback=true --set password_cost=10 \
        --set "payments.journal=$dir/payments-node-$k.jsonl" \
        >>"$dir/node-$k.log" 2>&1 </dev/null &
    echo $! >"$dir/node-$k.pid"
    wait_healthy "http://127.0.0.1:$node_port" "node-$k" "$dir/node-$k.pid"
}

port_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

up() {
    [ -x "$binary" ] || { say "no binary at $binary: run swift build (or set BACKROOM_BINARY)"; exit 1; }
    [ -n "$pg_bin" ] && [ -x "$pg_bin/initdb" ] || { say "PostgreSQL's server binaries are missing: apt-get install -y postgresql"; exit 1; }
    command -v nginx >/dev/null || { say "nginx is missing: apt-get install -y nginx"; exit 1; }
    [ ! -e "$dir" ] || { say "$dir exists: a cluster is up (Scripts/cluster.sh down), or remove it"; exit 1; }
    for p in $(seq "$port" $((port + nodes))); do
        port_free "$p" || { say "port $p is taken; choose another --port"; exit 1; }
    done
    mkdir -p "$dir/pg" "$dir/nginx/logs"
    touch "$dir/cluster.marker"
    trap 'say "up failed; stopping what it started"; down' ERR

    say "PostgreSQL in $dir/pg"
    if [ "$(id -u)" = 0 ]; then
        chmod 711 "$dir"; chown postgres "$dir/pg"
        runuser -u postgres -- test -w "$dir/pg" || { say "the postgres user cannot reach $dir: make its parent directories searchable (chmod o+x)"; false; }
    fi
    "${as_postgres[@]}" "$pg_bin/initdb" -D "$dir/pg/data" -U backroom --auth=trust -E UTF8 --locale=C --no-sync --no-instructions >/dev/null
    "${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$dir/pg/data" -w -l "$dir/pg/server.log" \
        -o "-k $dir/pg -p 5432 -c listen_addresses= -c max_connections=200" start >/dev/null
    "$pg_bin/createdb" -h "$dir/pg" -U backroom shop
    echo "postgres://backroom@/shop?host=$dir/pg" >"$dir/store.url"

    say "seeding a demo shop"
    "$binary" seed --db "$(cat "$dir/store.url")" --products 2000 --users 50 --orders 200 --password-cost 4 >/dev/null
    echo 'cluster-admin-password' | "$binary" user add --db "$(cat "$dir/store.url")" --email admin@cluster.local \
        --role admin --password-stdin --password-cost 4 >/dev/null

    for k in $(seq 1 "$nodes"); do
        say "node-$k on port $((port + k))"
        start_node "$k"
    done

    say "nginx on port $port"
    {
        [ "$(id -u)" = 0 ] && echo "user root;"
        echo "worker_processes 2; pid $dir/nginx/nginx.pid; error_log $dir/nginx/logs/error.log warn;"
        echo "events { worker_connections 4096; }"
        echo "http {"
        echo "    include $root/deploy/nginx/backroom-http.conf;"
        echo "    access_log $dir/nginx/logs/access.log backroom;"
        for temp in client_body proxy fastcgi uwsgi scgi; do echo "    ${temp}_temp_path $dir/nginx/$temp;"; done
        echo "    upstream backroom {"
        echo "        least_conn;"
        for k in $(seq 1 "$nodes"); do echo "        server 127.0.0.1:$((port + k)) max_fails=2 fail_timeout=5s;"; done
        echo "        keepalive 64;"
        echo "    }"
        echo "    server {"
        echo "        listen 127.0.0.1:$port;"
        echo "        include $root/deploy/nginx/backroom-server.conf;"
        echo "    }"
        echo "}"
    } >"$dir/nginx/nginx.conf"
    nginx -p "$dir/nginx" -c "$dir/nginx/nginx.conf" -e "$dir/nginx/logs/error.log"
    wait_healthy "http://127.0.0.1:$port" "nginx" "$dir/nginx/nginx.pid"

    local token
    token=$(curl -fs -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'Content-Type: application/json' \
        -d '{"email":"admin@cluster.local","password":"cluster-admin-password"}' |
        python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])')
    # Every node listed (heartbeats), so a console started now finds them all.
    for _ in $(seq 1 50); do
        listed=$(curl -fs "http://127.0.0.1:$port/api/v1/admin/nodes" -H "Authorization: Bearer $token" |
            python3 -c 'import json,sys; print(len(json.load(sys.stdin)["items"]))' 2>/dev/null || echo 0)
        [ "$listed" = "$nodes" ] && break
        sleep 0.2
    done
    [ "$listed" = "$nodes" ] || { say "only $listed of $nodes nodes listed themselves"; false; }
    if [ "$shoppers" -gt 0 ]; then
        say "$shoppers simulated shoppers through nginx"
        nohup "$binary" loadgen --url "http://127.0.0.1:$port" --users "$shoppers" --duration 24h --rate $((shoppers * 10)) \
            >"$dir/shoppers.log" 2>&1 </dev/null &
        echo $! >"$dir/shoppers.pid"
    fi
    trap - ERR
    echo "$token" >"$dir/admin.token"
    echo "http://127.0.0.1:$port"
    for k in $(seq 1 "$nodes"); do echo "http://127.0.0.1:$((port + k))"; done
    echo "$token"
    echo "$binary console --db '$(cat "$dir/store.url")' --attach http://127.0.0.1:$port --token $token"
}

node() {
    [ -f "$dir/cluster.marker" ] || { say "no cluster in $dir"; exit 1; }
    [ -f "$dir/store.url" ] || { say "the cluster in $dir has no store"; exit 1; }
    port=$(sed -n 's/.*listen 127.0.0.1:\([0-9]*\);.*/\1/p' "$dir/nginx/nginx.conf")
    case "$node_action" in
        kill) pid_alive "$dir/node-$node_index.pid" && kill -KILL "$(cat "$dir/node-$node_index.pid")"; rm -f "$dir/node-$node_index.pid" ;;
        stop) stop_pid_file "$dir/node-$node_index.pid" ;;
        start)
            if pid_alive "$dir/node-$node_index.pid"; then say "node-$node_index is running"; exit 1; fi
            start_node "$node_index"
            echo "http://127.0.0.1:$((port + node_index))" ;;
    esac
}

case "$command" in
    up) up ;;
    down) down ;;
    node) node ;;
    *) usage ;;
esac

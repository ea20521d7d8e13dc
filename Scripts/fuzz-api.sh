#!/usr/bin/env bash
# Fuzzes the running API against its own OpenAPI document with Schemathesis,
# once on a SQLite store and once on a PostgreSQL one: no server errors,
# documented status codes and content types, responses that match their
# schemas. A fixed seed and a bounded number of examples per operation keep
# runs repeatable and short. Any failure fails the script.
#
# The PostgreSQL run starts a throwaway server in a temporary directory
# (as the postgres user when run as root); without PostgreSQL's server
# binaries it is skipped loudly, or fails when BACKROOM_REQUIRE_POSTGRES=1.
set -euo pipefail
cd "$(dirname "$0")/.."

binary=${BACKROOM_BINARY:-.build/debug/backroom}
examples=${FUZZ_EXAMPLES:-30}
seed=${FUZZ_SEED:-20261129}
pg_bin=${BACKROOM_POSTGRES_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
work=$(mktemp -d)
server=""
pg_data=""
as_postgres=()
stop_postgres() {
    [ -z "$pg_data" ] || "${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$pg_data" -m immediate stop >/dev/null 2>&1 || true
}
# (Never `kill 0`, which is this whole process group: CI's too.)
trap '[ -z "$server" ] || kill "$server" 2>/dev/null || true; stop_postgres; rm -rf "$work"' EXIT

if ! command -v st >/dev/null 2>&1; then
    # Schemathesis comes from PyPI. A machine that cannot reach it skips the
    # fuzz run loudly rather than failing the build over the network.
    if ! python3 -m pip install --quiet --disable-pip-version-check schemathesis; then
        echo "WARNING: could not install schemathesis; the API fuzz run is SKIPPED" >&2
        exit 0
    fi
fi

# The shop every run starts from: seeded into SQLite, copied to PostgreSQL.
sqlite_db="$work/fuzz.sqlite"
"$binary" seed --db "$sqlite_db" --products 300 --users 30 --orders 60 --password-cost 4 >/dev/null
echo 'fuzzing-admin-password' | "$binary" user add --db "$sqlite_db" --email fuzzer@backroom.local --role admin --password-stdin --password-cost 4 >/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')

login() {
    curl -fs -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'Content-Type: application/json' \
        -d '{"email":"fuzzer@backroom.local","password":"fuzzing-admin-password"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
# One worker: Schemathesis's workers are threads, and Python 3.11.7's `ast`
# is not thread-safe (CPython gh-106905): Hypothesis parsing lambda sources
# on two threads at once failed a CI run with "SystemError: AST constructor
# recursion depth mismatch", a fault of the fuzzer, not of the API.
fuzz() {
    st run "http://127.0.0.1:$port/openapi.yaml" \
        --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
        --max-examples "$examples" --seed "$seed" --workers 1 --request-timeout 10 \
        --header "Authorization: Bearer $(login)" --no-color "$@"
}

# Serves `$1` and fuzzes every operation; returns non-zero on any failure.
fuzz_store() {
    local db=$1 name=$2 status=0
    echo "=== fuzzing the API on $name ==="
    "$binary" serve --db "$db" --port "$port" --log-level warning --set password_cost=10 > "$work/server-$name.log" 2>&1 &
    server=$!
    for _ in $(seq 1 100); do
        curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
        sleep 0.1
    done
    # Operations that can end the fuzzer's own session (logout, password reset,
    # revoking tokens, disabling or demoting accounts) run last, each in a pass
    # of its own with a fresh token, so none can turn the others into 401s.
    # The live stream never ends, so it is left to the unit tests.
    local session_enders=(logout adminResetPassword adminRevokeTokens adminDisableUser adminChangeRole)
    fuzz --exclude-operation-id adminLive $(printf -- '--exclude-operation-id %s ' "${session_enders[@]}") || status=$?
    # (Alone, an operation has no links to follow: no stateful phase.)
    for operation in "${session_enders[@]}"; do
        fuzz --include-operation-id "$operation" --phases examples,coverage,fuzzing || status=$?
    done
    kill "$server" 2>/dev/null || true
    wait "$server" 2>/dev/null || true
    server=""
    if [ "$status" -ne 0 ]; then
        echo "--- server log ($name) ---"
        tail -50 "$work/server-$name.log"
    fi
    return "$status"
}

status=0
# A copy for SQLite's run, so PostgreSQL's starts from the same shop.
cp "$sqlite_db" "$work/fuzz-run.sqlite"
fuzz_store "$work/fuzz-run.sqlite" sqlite || status=$?

if [ -z "$pg_bin" ] || [ ! -x "$pg_bin/initdb" ]; then
    if [ "${BACKROOM_REQUIRE_POSTGRES:-}" = 1 ]; then
        echo "BACKROOM_REQUIRE_POSTGRES=1 but PostgreSQL's server binaries are not installed: apt-get install -y postgresql" >&2
        exit 1
    fi
    echo "WARNING: no PostgreSQL server binaries; the API fuzz run on PostgreSQL is SKIPPED" >&2
    exit "$status"
fi
pg_dir="$work/pg"
mkdir -p "$pg_dir"
if [ "$(id -u)" = 0 ]; then
    chmod 711 "$work"
    chown postgres "$pg_dir"
    as_postgres=(runuser -u postgres --)
fi
pg_data="$pg_dir/data"
"${as_postgres[@]}" "$pg_bin/initdb" -D "$pg_data" -U backroom --auth=trust -E UTF8 --locale=C --no-sync --no-instructions >/dev/null
"${as_postgres[@]}" "$pg_bin/pg_ctl" -D "$pg_data" -w -l "$pg_dir/server.log" \
    -o "-k $pg_dir -p 5432 -c listen_addresses= -c fsync=off" start >/dev/null
"$pg_bin/createdb" -h "$pg_dir" -U backroom fuzz
pg_url="postgres://backroom@/fuzz?host=$pg_dir"
"$binary" copy --from "$sqlite_db" --to "$pg_url" >/dev/null
fuzz_store "$pg_url" postgresql || status=$?
exit "$status"

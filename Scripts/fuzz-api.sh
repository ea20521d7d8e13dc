#!/usr/bin/env bash
# Fuzzes the running API against its own OpenAPI document with Schemathesis:
# no server errors, documented status codes and content types, responses
# that match their schemas. A fixed seed and a bounded number of examples
# per operation keep runs repeatable and short. Any failure fails the script.
set -euo pipefail
cd "$(dirname "$0")/.."

binary=${BACKROOM_BINARY:-.build/debug/backroom}
examples=${FUZZ_EXAMPLES:-30}
seed=${FUZZ_SEED:-20261129}
work=$(mktemp -d)
# (Never `kill 0`, which is this whole process group: CI's too.)
trap '[ -z "${server:-}" ] || kill "$server" 2>/dev/null || true; rm -rf "$work"' EXIT

if ! command -v st >/dev/null 2>&1; then
    # Schemathesis comes from PyPI. A machine that cannot reach it skips the
    # fuzz run loudly rather than failing the build over the network.
    if ! python3 -m pip install --quiet --disable-pip-version-check schemathesis; then
        echo "WARNING: could not install schemathesis; the API fuzz run is SKIPPED" >&2
        exit 0
    fi
fi

db="$work/fuzz.sqlite"
"$binary" seed --db "$db" --products 300 --users 30 --orders 60 --password-cost 4 >/dev/null
echo 'fuzzing-admin-password' | "$binary" user add --db "$db" --email fuzzer@backroom.local --role admin --password-stdin --password-cost 4 >/dev/null

port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$binary" serve --db "$db" --port "$port" --log-level warning --set password_cost=10 > "$work/server.log" 2>&1 &
server=$!
for _ in $(seq 1 100); do
    curl -fs "http://127.0.0.1:$port/healthz" >/dev/null 2>&1 && break
    sleep 0.1
done

login() {
    curl -fs -X POST "http://127.0.0.1:$port/api/v1/auth/login" -H 'Content-Type: application/json' \
        -d '{"email":"fuzzer@backroom.local","password":"fuzzing-admin-password"}' | python3 -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
fuzz() {
    st run "http://127.0.0.1:$port/openapi.yaml" \
        --checks not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance \
        --max-examples "$examples" --seed "$seed" --workers 2 --request-timeout 10 \
        --header "Authorization: Bearer $(login)" --no-color "$@"
}

# Operations that can end the fuzzer's own session (logout, password reset,
# revoking tokens, disabling or demoting accounts) run last, each in a pass
# of its own with a fresh token, so none can turn the others into 401s.
# The live stream never ends, so it is left to the unit tests.
session_enders=(logout adminResetPassword adminRevokeTokens adminDisableUser adminChangeRole)
status=0
fuzz --exclude-operation-id adminLive $(printf -- '--exclude-operation-id %s ' "${session_enders[@]}") || status=$?
# (Alone, an operation has no links to follow: no stateful phase.)
for operation in "${session_enders[@]}"; do
    fuzz --include-operation-id "$operation" --phases examples,coverage,fuzzing || status=$?
done

if [ "$status" -ne 0 ]; then
    echo "--- server log ---"
    tail -50 "$work/server.log"
fi
exit "$status"

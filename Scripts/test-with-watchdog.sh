#!/usr/bin/env bash
# Runs the test command it is given (`Scripts/test-with-watchdog.sh swift
# test [ARGS]`) and, if it has not finished after
# BACKROOM_TEST_SECONDS (default 1200; a full run takes about 60), kills it
# with every process it started and names each test that started but did
# not finish, so a hang fails CI with the test to look at instead of
# running into the job's limit.
set -uo pipefail
seconds="${BACKROOM_TEST_SECONDS:-1200}"
log="$(mktemp -t backroom-tests.XXXXXX)"
# In its own session, so the kill reaches the test process under swiftpm,
# and on a pseudo-terminal (`script`): swiftpm holds the tests' output back
# until they end when it writes to a pipe, and a killed run would say nothing.
[ "$#" -gt 0 ] || { echo "usage: $0 swift test [ARGS]" >&2; exit 64; }
command="$(printf '%q ' "$@")"
setsid script --quiet --flush --return --command "$command" /dev/null </dev/null >"$log" 2>&1 &
tests=$!
tail -n +1 -f --pid="$tests" "$log" &
follower=$!
(sleep "$seconds" && kill -KILL -- "-$tests" 2>/dev/null) &
watchdog=$!
wait "$tests"
status=$?
kill "$watchdog" 2>/dev/null
wait "$follower" 2>/dev/null
if [ "$status" -eq 137 ]; then
    echo
    echo "$* did not finish within $seconds s. Started and never finished:"
    python3 - "$log" <<'PY'
import re, sys
started, finished = [], set()
for line in open(sys.argv[1], errors="replace"):
    line = re.sub(r"\x1b\[[0-9;]*m", "", line)
    if "Test case passing" in line:
        continue
    match = re.search(r'◇ Test "(.*?)" started', line)
    if match:
        started.append(match.group(1))
    # "recorded an issue" comes before the end: only passed/failed end a test.
    match = re.search(r'[✔✘] Test "(.*?)" (?:with \d+ test cases? )?(?:passed|failed)', line)
    if match:
        finished.add(match.group(1))
for name in started:
    if name not in finished:
        print(f"  - {name}")
PY
fi
rm -f "$log"
exit "$status"

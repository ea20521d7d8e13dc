#!/usr/bin/env bash
# The crash test's long form: the server under load, killed with SIGKILL
# N times (default 20) at random moments and restarted; afterwards every
# acknowledged order, payment and ledger row must exist, no order may be
# charged twice and `backroom check` must be clean. CI runs 5 kills as part
# of `swift test`.
set -euo pipefail
cd "$(dirname "$0")/.."
kills=${1:-20}
swift build
BACKROOM_CRASH_KILLS="$kills" swift test --filter CrashTests

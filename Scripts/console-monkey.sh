#!/usr/bin/env bash
# The console monkey's long form: random keys, pasted Unicode and resizes
# at the real binary in tmux, then the same checks as the CI's short form
# (alive or exited 0, terminal restored, `backroom check` clean, every
# write audited). Usage: Scripts/console-monkey.sh [keys, default 20000] [seed]
set -euo pipefail
cd "$(dirname "$0")/.."
keys=${1:-20000}
export BACKROOM_MONKEY_KEYS=$keys
[ -n "${2:-}" ] && export BACKROOM_MONKEY_SEED=$2
swift build
swift test --skip-build --filter ConsoleMonkeyTests

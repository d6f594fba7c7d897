#!/usr/bin/env bash
# Store benchmark (not run in CI), end to end with the real binary: builds a
# store of 100,000 messages (headers indexed, 10% of the bodies stored) in a
# temporary folder, then
#  - runs the reader under tmux (needs tmux): its resident memory (VmRSS,
#    and the peak VmHWM, from /proc) with the whole index loaded and after
#    5 searches and 4 sorts, and for each search the time from Enter (and
#    from the first typed key) until the status label shows the search's
#    whole count, beside `popterm list --search` of the same words on the
#    same store (whole run, and to its first 50 lines);
#  - times `popterm list` (first page of 50) and `popterm list --search`
#    (a common word, first 50; a rare word, all), the median of several
#    whole runs of the process.
# Prints the figures.
#
# Usage: scripts/bench-store.sh [messages] [runs]   (defaults: 100000 7)
#        STOREBENCH_DIR=/some/dir keeps the store there between runs.
#        STOREBENCH_FLAGS=-only-reader measures the reader only;
#        STOREBENCH_FLAGS=-reader=false the list commands only.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100000}"
runs="${2:-7}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/popterm" ./cmd/popterm
go build -o "$tmp/storebench" ./internal/bench/storebench
# shellcheck disable=SC2086 # the flags are words
"$tmp/storebench" -popterm "$tmp/popterm" -n "$n" -runs "$runs" -dir "${STOREBENCH_DIR:-}" ${STOREBENCH_FLAGS:-}

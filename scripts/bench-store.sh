#!/usr/bin/env bash
# Store benchmark (not run in CI), end to end with the real binary: builds a
# store of 100,000 messages (headers indexed, 10% of the bodies stored) in a
# temporary folder, then times `popterm list` (first page of 50) and
# `popterm list --search` (a common word, first 50; a rare word, all), the
# median of several whole runs of the process. Prints the figures.
#
# Usage: scripts/bench-store.sh [messages] [runs]   (defaults: 100000 7)
#        STOREBENCH_DIR=/some/dir keeps the store there between runs.
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-100000}"
runs="${2:-7}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/popterm" ./cmd/popterm
go build -o "$tmp/storebench" ./internal/bench/storebench
"$tmp/storebench" -popterm "$tmp/popterm" -n "$n" -runs "$runs" -dir "${STOREBENCH_DIR:-}"

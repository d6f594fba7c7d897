#!/usr/bin/env bash
# POP3 benchmark (not part of CI): starts a real Dovecot with a generated
# maildrop of 10,000 messages behind a latency proxy on 127.0.0.1 (20 ms
# round trip, each chunk held 10 ms each way without serializing chunks), and
# prints in one run the time to fetch every header with pipelined TOP, the
# time for 1,000 headers one command at a time, the ratio per message, and the
# RETR of a 100 MB message with the client's peak resident memory.
#
# Needs Dovecot (apt-get install dovecot-core dovecot-pop3d). Extra arguments
# go to the program: -messages N, -sequential N, -rtt 20ms, -big MB, -keep.
set -euo pipefail
cd "$(dirname "$0")/.."
bin=$(mktemp -d)
trap 'rm -rf "$bin"' EXIT
go build -o "$bin/pop3bench" ./internal/bench/pop3bench
"$bin/pop3bench" "$@"

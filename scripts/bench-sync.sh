#!/usr/bin/env bash
# Sync benchmarks (not run in CI), all against a real Dovecot on loopback
# behind the latency proxy (internal/latencyproxy). Prints the figures:
#
#  1. For 3,000 and 10,000 realistic messages (internal/bench/benchmail,
#     about 20 KB each) at 20 ms RTT, in one run each: popterm's full first
#     sync (prefetch = "all", every body stored, over STARTTLS) against
#     mpop's download of the same maildrop into a Maildir (plaintext) and a
#     pipelined RETR of every message that stores nothing; popterm's store
#     size over the mail size; the headers-only first sync against a
#     pipelined TOP n 0 of every message.
#  2. A sync with no new mail and `popterm check` (and `check --full`) on a
#     100,000-message store, with the real binary: wall time and peak RSS.
#  3. The first sync of short messages and the command log of a sync with
#     no new mail (pop3test), as before.
#
# Usage: scripts/bench-sync.sh [sizes] [rtt] [noop-messages]
#        (defaults: "3000 10000" 20ms 100000)
set -euo pipefail
cd "$(dirname "$0")/.."
sizes="${1:-3000 10000}"
rtt="${2:-20ms}"
noop="${3:-100000}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
go build -o "$tmp/syncbench" ./internal/bench/syncbench
go build -o "$tmp/popterm" ./cmd/popterm

if ! command -v dovecot >/dev/null 2>&1 && [ ! -x /usr/sbin/dovecot ]; then
	echo "dovecot not installed (apt-get install dovecot-core dovecot-pop3d): nothing to measure"
	exit 1
fi
if ! command -v mpop >/dev/null 2>&1; then
	echo "installing mpop for the comparison"
	if [ "$(id -u)" = 0 ]; then
		apt-get install -y mpop >/dev/null || apt-get update >/dev/null && apt-get install -y mpop >/dev/null
	else
		sudo apt-get install -y mpop >/dev/null
	fi
fi

date -u +"%Y-%m-%d %H:%M UTC on $(nproc) CPUs, $(uname -sr), $(mpop --version | head -1)"
for n in $sizes; do
	echo
	echo "== first sync of $n messages, Dovecot at $rtt RTT =="
	"$tmp/syncbench" -compare -n "$n" -rtt "$rtt"
done
echo
echo "== $noop messages: sync with no new mail and check (real binary, loopback) =="
"$tmp/syncbench" -server dovecot -n "$noop" -rtt 0 -noop "$tmp/popterm"
echo
echo "== pop3test (command log) through the latency proxy, 10,000 short messages =="
"$tmp/syncbench" -server pop3test -n 10000 -rtt "$rtt"

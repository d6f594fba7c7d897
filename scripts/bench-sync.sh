#!/usr/bin/env bash
# Sync benchmarks (not run in CI): the first sync of a 10,000-message
# maildrop, headers only, at 20 ms round-trip time (a delaying proxy on
# loopback in front of a real Dovecot), and a sync with no new mail, which
# must send only CAPA, authentication, UIDL and QUIT (checked against
# pop3test's command log). Prints the figures.
#
# Usage: scripts/bench-sync.sh [messages] [rtt]   (defaults: 10000 20ms)
set -euo pipefail
cd "$(dirname "$0")/.."
n="${1:-10000}"
rtt="${2:-20ms}"
bin="$(mktemp -d)/syncbench"
trap 'rm -rf "$(dirname "$bin")"' EXIT
go build -o "$bin" ./internal/bench/syncbench

echo "== Dovecot through the latency proxy =="
if command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ]; then
	"$bin" -server dovecot -n "$n" -rtt "$rtt"
else
	echo "dovecot not installed (apt-get install dovecot-core dovecot-pop3d): skipped"
fi
echo
echo "== pop3test (command log) through the latency proxy =="
"$bin" -server pop3test -n "$n" -rtt "$rtt"
echo
echo "== Dovecot, first sync with every body (prefetch = \"all\"), 2,000 messages =="
if command -v dovecot >/dev/null 2>&1 || [ -x /usr/sbin/dovecot ]; then
	"$bin" -server dovecot -n 2000 -rtt "$rtt" -bodies | grep -v "no new mail"
fi

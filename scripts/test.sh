#!/usr/bin/env bash
# The whole test suite, as CI runs it: vet, cross-compilation for macOS and
# Windows, then every test with the race detector. The tests start the real
# servers they need themselves (Dovecot, pop3test); this script provides the
# session D-Bus with an unlocked gnome-keyring that the keyring tests use, in
# a throwaway XDG_DATA_HOME so a developer's own keyring is never touched.
#
# Tests whose real component is missing skip on a developer's machine and fail
# when CI is set. Extra arguments go to `go test` (e.g. -run Dovecot).
set -euo pipefail
cd "$(dirname "$0")/.."

echo "== go vet"
go vet ./...

echo "== cross-compile (darwin, windows)"
for os in darwin windows; do
	GOOS=$os GOARCH=amd64 CGO_ENABLED=0 go build -o /dev/null ./cmd/popterm
done

echo "== go test"
keyring_home=$(mktemp -d)
trap 'rm -rf "$keyring_home"' EXIT
gotest=(go test -race -count=1 -timeout 25m "$@" ./...)
if command -v dbus-run-session >/dev/null && command -v gnome-keyring-daemon >/dev/null; then
	# gnome-keyring keeps its files under XDG_DATA_HOME/keyrings.
	XDG_DATA_HOME="$keyring_home" dbus-run-session -- bash -c '
		printf %s popterm-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null
		unset XDG_DATA_HOME
		exec "$@"' bash "${gotest[@]}"
else
	echo "(no dbus-run-session/gnome-keyring-daemon: keyring tests will skip, or fail in CI)"
	"${gotest[@]}"
fi

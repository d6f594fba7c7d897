// Package testenv lets tests that need a real component (Dovecot, a Secret
// Service, tmux) skip on a developer's machine that lacks it, but fail in CI
// (CI set), so a missing install step can never hide a test.
package testenv

import (
	"os"
	"os/exec"
	"testing"
)

// InCI reports whether the tests run in CI (the CI variable is set).
func InCI() bool { return os.Getenv("CI") != "" }

// Missing skips the test with why on a developer's machine and fails it in CI.
func Missing(t testing.TB, why string) {
	t.Helper()
	if InCI() {
		t.Fatalf("required test component missing in CI: %s", why)
	}
	t.Skipf("skipping: %s (install it, see .ci/run; in CI this fails)", why)
}

// LookPath returns the path of a program the test needs, or calls Missing.
func LookPath(t testing.TB, name string, candidates ...string) string {
	t.Helper()
	for _, n := range append([]string{name}, candidates...) {
		if p, err := exec.LookPath(n); err == nil {
			return p
		}
		if _, err := os.Stat(n); err == nil {
			return n
		}
	}
	Missing(t, name+" not found")
	return ""
}

package main

import (
	"os/exec"
	"testing"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/internal/testenv"
)

// secretToolLookup asks secret-tool for what popterm stored under user.
func secretToolLookup(t *testing.T, user string) (string, bool) {
	t.Helper()
	tool := testenv.LookPath(t, "secret-tool")
	out, err := exec.Command(tool, "lookup", "service", config.KeyringService, "username", user).Output()
	if err != nil {
		return "", false
	}
	return string(out), true
}

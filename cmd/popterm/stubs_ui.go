package main

import (
	"context"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/mailbox"
)

// STUB: owned by the ui helper (replace this file with tui.go).

// runUI loads the config (or opens the first-run setup) and starts the reader.
func runUI(ctx context.Context, e *env) int { return fail(e, exitFailure, "the reader: %v", errNotYet) }

// startReader opens the account's store and engine and runs the Bubble Tea
// reader until the user quits. The demo calls it with its own config and
// in-memory credentials.
func startReader(ctx context.Context, e *env, cfg *config.Config, account string, creds mailbox.Credentials) int {
	return fail(e, exitFailure, "the reader: %v", errNotYet)
}

package main

import "context"

// STUB: owned by the config helper (replace this file with account.go).
func cmdAccount(ctx context.Context, e *env, args []string) int {
	return fail(e, exitFailure, "account: %v", errNotYet)
}

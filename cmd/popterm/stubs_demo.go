package main

import "context"

// STUB: owned by the pop3test helper (replace this file with demo.go).
func runDemo(ctx context.Context, e *env, args []string) int {
	return fail(e, exitFailure, "demo: %v", errNotYet)
}

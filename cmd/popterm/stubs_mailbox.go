package main

import "context"

// STUB: owned by the mailbox helper (replace this file with sync.go, list.go, ...).
func cmdSync(ctx context.Context, e *env, args []string) int {
	return fail(e, exitFailure, "%v", errNotYet)
}
func cmdList(ctx context.Context, e *env, args []string) int {
	return fail(e, exitFailure, "%v", errNotYet)
}
func cmdShow(ctx context.Context, e *env, args []string) int {
	return fail(e, exitFailure, "%v", errNotYet)
}
func cmdDelete(ctx context.Context, e *env, args []string) int {
	return fail(e, exitFailure, "%v", errNotYet)
}
func cmdUndelete(ctx context.Context, e *env, args []string) int {
	return fail(e, exitFailure, "%v", errNotYet)
}
func cmdCheck(ctx context.Context, e *env, args []string) int {
	return fail(e, exitFailure, "%v", errNotYet)
}

package main

import (
	"context"
	"fmt"

	"github.com/popterm/popterm/mailapi"
)

// cmdDelete runs `popterm delete ID...`: it marks messages; the next
// `popterm sync` deletes them on the server (committed by QUIT).
func cmdDelete(ctx context.Context, e *env, args []string) int {
	return markCommand(ctx, e, args, true)
}

// cmdUndelete runs `popterm undelete ID...`: it clears the marks.
func cmdUndelete(ctx context.Context, e *env, args []string) int {
	return markCommand(ctx, e, args, false)
}

// markCommand sets or clears deletion marks after checking every ID exists.
func markCommand(ctx context.Context, e *env, args []string, deleted bool) int {
	name := "undelete"
	if deleted {
		name = "delete"
	}
	fs := newFlagSet(e, name, name+" [--account NAME] ID...")
	help := "Mark messages for deletion; the next popterm sync deletes them on the\nserver (they count as deleted once the server confirms QUIT)."
	if !deleted {
		help = "Clear deletion marks."
	}
	args, done, code := parseFlags(e, fs, args, name+" [--account NAME] ID...", help)
	if done {
		return code
	}
	ids, err := parseIDs(args)
	if err != nil {
		return fail(e, exitUsage, "%s: %v", name, err)
	}
	s, code := openAccount(e, "", storeWrite)
	if s == nil {
		return code
	}
	defer s.Close()
	for _, id := range ids {
		if _, err := s.engine.Get(id); err != nil {
			if mailapi.KindOf(err) == mailapi.KindNotFound {
				return fail(e, exitFailure, "%s: no message with ID %d (see popterm list); nothing was changed", name, id)
			}
			return failErr(e, name, err)
		}
	}
	if err := s.engine.MarkDeleted(ctx, ids, deleted); err != nil {
		return failErr(e, name, err)
	}
	switch {
	case !deleted:
		fmt.Fprintf(e.stdout, "unmarked %d message(s)\n", len(ids))
	case s.acct.DeleteOnServer:
		fmt.Fprintf(e.stdout, "marked %d message(s) for deletion; the next popterm sync deletes them on the server\n", len(ids))
	default:
		fmt.Fprintf(e.stdout, "marked %d message(s) deleted here; they stay on the server (delete_on_server = false)\n", len(ids))
	}
	return exitOK
}

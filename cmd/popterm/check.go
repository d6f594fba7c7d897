package main

import (
	"context"
	"errors"
	"fmt"

	"github.com/popterm/popterm/cache"
	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/message"
)

// cmdCheck runs `popterm check [--repair]`: it verifies the index against
// the Maildir files and, with --repair, fixes what is safe to fix.
func cmdCheck(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet(e, "check", "check [--account NAME] [--repair] [--full]")
	repair := fs.Bool("repair", false, "repair what can be repaired safely")
	full := fs.Bool("full", false, "also verify every page of the index database (slow on a large store)")
	args, done, code := parseFlags(e, fs, args, "check [--account NAME] [--repair] [--full]", checkHelp)
	if done {
		return code
	}
	if len(args) > 0 {
		return fail(e, exitUsage, "check takes no arguments")
	}
	cfg, code, err := loadConfig(e)
	if err != nil {
		return fail(e, code, "%v", err)
	}
	if *repair {
		if code := repairIndex(e, cfg); code != exitOK {
			return code
		}
	}
	// Checking only reads: beside a reader that holds the store, it
	// checks read-only (WAL lets it read while the reader writes).
	mode := storeAnyWrite
	if *repair {
		mode = storeWrite
	}
	s, code := openConfigAccount(e, cfg, "", mode)
	if s == nil {
		return code
	}
	defer s.Close()
	for _, r := range s.engine.Recovered() {
		fmt.Fprintf(e.stdout, "recovered on open (an interrupted popterm): %s\n", message.SanitizeLine(r))
	}
	rep, err := s.engine.CheckWith(ctx, cache.CheckOptions{Repair: *repair, Full: *full})
	if err != nil {
		return failErr(e, "check", err)
	}
	for _, p := range rep.Problems {
		fmt.Fprintf(e.stdout, "problem: %s\n", message.SanitizeLine(p))
	}
	for _, r := range rep.Repaired {
		fmt.Fprintf(e.stdout, "repaired: %s\n", message.SanitizeLine(r))
	}
	switch {
	case rep.OK():
		fmt.Fprintf(e.stdout, "%s: the store is consistent\n", message.Sanitize(s.acct.Name))
		return exitOK
	case *repair && len(rep.Unrepaired) == 0:
		fmt.Fprintf(e.stdout, "%s: %d problem(s) repaired\n", message.Sanitize(s.acct.Name), len(rep.Repaired))
		return exitOK
	case *repair:
		return fail(e, exitFailure, "%s: %d problem(s) could not be repaired safely: the problem lines above say what each is", s.acct.Name, len(rep.Unrepaired))
	}
	return fail(e, exitFailure, "%s: %d problem(s) found; run popterm check --repair", s.acct.Name, len(rep.Problems))
}

// repairIndex rebuilds the account's index from its Maildir when the index
// is damaged or missing, keeping the damaged file aside.
func repairIndex(e *env, cfg *config.Config) int {
	acct, err := cfg.Account(e.account)
	if err != nil || acct.StoreDir == "" {
		return exitOK // opening the account reports it
	}
	rep, err := cache.RepairIndex(acct.StoreDir)
	if errors.Is(err, cache.ErrLocked) {
		return exitOK // opening the account reports it
	}
	if err != nil {
		return fail(e, exitFailure, "rebuild the index of account %s: %s", acct.Name, message.SanitizeLine(err.Error()))
	}
	if rep.Rebuilt {
		kept := ""
		if rep.Kept != "" {
			kept = "; the damaged index is kept as " + message.SanitizeLine(rep.Kept)
		}
		fmt.Fprintf(e.stdout, "repaired: rebuilt the index from %d stored messages%s; the next sync matches them to the server's messages\n", rep.Messages, kept)
	}
	return exitOK
}

const checkHelp = `Verify the index against the Maildir files; with --repair, fix what is safe
(a row claiming a missing file stops claiming it, stray files are kept).
With --full, also verify every page of the index database (slow on a large
store). A damaged or missing index is rebuilt by --repair from the stored
mail (the damaged file is kept beside it as index.db.damaged-TIME).
`

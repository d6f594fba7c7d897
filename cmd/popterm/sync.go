package main

import (
	"context"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/mailbox"
	"github.com/popterm/popterm/message"
)

const syncHelp = `One POP3 session: list the server, index the headers of new mail, download
bodies by the account's prefetch policy, and commit the deletions marked with
"popterm delete" (DELE, then QUIT; they count only when the server confirms
QUIT). Use --commit=false to leave the marks pending. The reader's automatic
syncs never delete anything.

Exit status: 0 ok, 1 failure, 2 usage or config error, 3 credentials refused,
4 try later (offline, busy, the server asks to wait), 5 synced but the server
did not confirm QUIT: deletions are still pending.
`

// cmdSync runs `popterm sync [--all] [--commit] [-v]`.
func cmdSync(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet(e, "sync", "sync [--account NAME] [--all] [--commit=false] [-v]")
	all := fs.Bool("all", false, "sync every account")
	commit := fs.Bool("commit", true, "send the pending deletions (DELE) before QUIT")
	verbose := fs.Bool("v", false, "say more: phases, TLS, and notes about the server (no UIDL, no TOP)")
	args, done, code := parseFlags(e, fs, args, "sync [--account NAME] [--all] [--commit=false] [-v]", syncHelp)
	if done {
		return code
	}
	if len(args) > 0 {
		return fail(e, exitUsage, "sync takes no arguments (got %q)", message.SanitizeLine(args[0]))
	}
	cfg, code, err := loadConfig(e)
	if err != nil {
		return fail(e, code, "%v", err)
	}
	names := []string{e.account}
	if *all {
		if e.account != "" {
			return fail(e, exitUsage, "use --all or --account, not both")
		}
		names = names[:0]
		for _, a := range cfg.Accounts {
			names = append(names, a.Name)
		}
		if len(names) == 0 {
			return fail(e, exitUsage, "no accounts in %s: add one with `popterm account add`", cfg.Path)
		}
	}
	result := exitOK
	warned := false // the store's caveat (no flock) is said once
	for _, name := range names {
		code := syncAccount(ctx, e, cfg, name, *commit, *verbose, &warned)
		if result == exitOK {
			result = code
		}
		if ctx.Err() != nil {
			break
		}
	}
	return result
}

// syncAccount syncs one account and prints its summary line, and the
// store's warning unless *warned says it was printed already.
func syncAccount(ctx context.Context, e *env, cfg *config.Config, name string, commit, verbose bool, warned *bool) int {
	s, code := openConfigAccount(e, cfg, name, storeWrite)
	if s == nil {
		return code
	}
	defer s.Close()
	if w := s.engine.Warning(); w != "" && !*warned {
		*warned = true
		fmt.Fprintf(e.stderr, "popterm: warning: %s\n", message.SanitizeLine(w))
	}
	if verbose {
		for _, r := range s.engine.Recovered() {
			fmt.Fprintf(e.stderr, "popterm: %s: note: finished what an interrupted popterm left undone: %s\n", s.acct.Name, message.SanitizeLine(r))
		}
	}
	flushBeforeSync(ctx, e, s)
	bar := newProgressBar(e.stderr, s.acct.Name, verbose)
	res, err := s.engine.Sync(ctx, mailbox.SyncOptions{Commit: commit, Progress: bar.update})
	bar.clear()
	for _, w := range res.Warnings {
		fmt.Fprintf(e.stderr, "popterm: %s: warning: %s\n", s.acct.Name, message.SanitizeLine(w))
	}
	if verbose {
		for _, n := range res.Notes {
			fmt.Fprintf(e.stderr, "popterm: %s: note: %s\n", s.acct.Name, message.SanitizeLine(n))
		}
	}
	if err != nil {
		return failErr(e, "sync "+s.acct.Name, err)
	}
	fmt.Fprintln(e.stdout, summary(s.acct.Name, res, verbose))
	if commit && !res.Committed && res.Pending > 0 {
		fmt.Fprintf(e.stderr, "popterm: %s: %d deletion(s) still pending; run popterm sync again to commit them\n", message.Sanitize(s.acct.Name), res.Pending)
		return exitPending
	}
	return exitOK
}

// summary is the one line a sync prints.
func summary(account string, r mailbox.Result, verbose bool) string {
	parts := []string{
		fmt.Sprintf("%d new", r.New),
		fmt.Sprintf("%d downloaded", r.Downloaded),
		fmt.Sprintf("%d gone from the server", r.Gone),
		fmt.Sprintf("%d deleted", r.Deleted),
		fmt.Sprintf("%d pending deletion", r.Pending),
	}
	line := message.Sanitize(account) + ": " + strings.Join(parts, ", ")
	if verbose {
		line += fmt.Sprintf(" (TLS: %s, QUIT confirmed: %v)", r.TLS, r.Committed)
	}
	return line
}

// redrawEvery limits how often the bar is redrawn within a phase.
const redrawEvery = 100 * time.Millisecond

// progressBar draws sync progress on a terminal (one redrawn line), or with
// -v prints each phase as a line elsewhere; otherwise it is silent.
type progressBar struct {
	w       io.Writer
	account string
	tty     bool
	verbose bool
	width   int
	last    mailbox.Phase
	drawn   bool
	drawnAt time.Time
}

func newProgressBar(w io.Writer, account string, verbose bool) *progressBar {
	return &progressBar{w: w, account: message.Sanitize(account), tty: isTerminal(w), verbose: verbose, width: termWidth(w, 80)}
}

// update handles one event.
func (p *progressBar) update(ev mailbox.Progress) {
	if !p.tty {
		if p.verbose && ev.Phase != p.last {
			fmt.Fprintf(p.w, "popterm: %s: %s\n", p.account, ev.Phase)
		}
		p.last = ev.Phase
		return
	}
	if ev.Phase == p.last && ev.Done != ev.Total && time.Since(p.drawnAt) < redrawEvery {
		return
	}
	if p.verbose && ev.Phase != p.last && p.last != "" {
		p.clear()
		fmt.Fprintf(p.w, "popterm: %s: %s\n", p.account, p.last)
	}
	p.last = ev.Phase
	p.drawnAt = time.Now()
	line := fmt.Sprintf("%s: %s", p.account, ev.Phase)
	if ev.Total > 0 {
		const barWidth = 24
		filled := barWidth * ev.Done / ev.Total
		line += fmt.Sprintf(" [%s%s] %d/%d", strings.Repeat("#", filled), strings.Repeat("-", barWidth-filled), ev.Done, ev.Total)
	}
	if ev.Bytes > 0 {
		line += " " + message.FormatSize(ev.Bytes)
	}
	line = ansi.Truncate(line, p.width-1, "")
	fmt.Fprint(p.w, "\r"+line+"\x1b[K")
	p.drawn = true
}

// clear erases the bar line.
func (p *progressBar) clear() {
	if p.tty && p.drawn {
		fmt.Fprint(p.w, "\r\x1b[K")
		p.drawn = false
	}
}

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"github.com/popterm/popterm/mailapi"
	"io"
	"slices"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"
	"github.com/popterm/popterm/message"
	"github.com/popterm/popterm/pattern"
)

const listHelp = `The stored messages, newest first, from the local store (no network).
On a terminal the list starts with a header row and ends with the legend of
the flags; piped, it prints one line per message and nothing else (for
scripts, --json is the stable format).
` + flagLegend + "\n"

// flagLegend explains the letters of the FLAGS column.
const flagLegend = "Flags: N unseen, D marked for deletion, F flagged, B body stored, L only here (gone from the server)."

// jsonMessage is one element of `popterm list --json`.
type jsonMessage struct {
	ID       int64    `json:"id"`
	UIDL     string   `json:"uidl"`
	From     string   `json:"from"`
	To       []string `json:"to"`
	Subject  string   `json:"subject"`
	Date     *string  `json:"date"`
	Size     int64    `json:"size"`
	Seen     bool     `json:"seen"`
	Deleted  bool     `json:"deleted"`
	Flagged  bool     `json:"flagged"`
	Cached   bool     `json:"cached"`
	OnServer bool     `json:"on_server"`
	Account  string   `json:"account,omitempty"` // --all-accounts only
}

// listUsage is the synopsis of popterm list.
const listUsage = "list [--account NAME | --all-accounts] [--json] [--search WORDS] [--pattern PATTERN] [--limit N] [--folder F]"

// cmdList runs `popterm list [--json] [--search WORDS] [--pattern PATTERN] [--limit N]`.
func cmdList(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet(e, "list", listUsage)
	asJSON := fs.Bool("json", false, "print one JSON array")
	search := fs.String("search", "", "only messages containing all these words (subject, addresses, body)")
	pat := fs.String("pattern", "", "only messages matching a limit pattern, as l in the reader (~f TEXT, ~s TEXT, ~d <7d, ~N, ~F, !, |; see docs/config.md)")
	limit := fs.Int("limit", 0, "at most N messages (0: all)")
	all := fs.Bool("all-accounts", false, "every account's messages in one list, with an account column")
	folder := fs.String("folder", "inbox", folderFlagHelp)
	args, done, code := parseFlags(e, fs, args, listUsage, listHelp)
	if done {
		return code
	}
	if *limit < 0 {
		return fail(e, exitUsage, "--limit must be 0 or more")
	}
	words := strings.TrimSpace(strings.Join(append([]string{*search}, args...), " "))
	var limitPattern *pattern.Pattern
	if *pat != "" {
		p, err := pattern.Parse(*pat, time.Now())
		if err != nil {
			return fail(e, exitUsage, "--pattern: %s", message.SanitizeLine(err.Error()))
		}
		limitPattern = p
	}
	if f := localFolder(*folder); f != "" {
		return listLocalFolder(ctx, e, f, words, limitPattern, *asJSON, *limit)
	}
	if *all {
		return listAllAccounts(ctx, e, words, limitPattern, *limit, *asJSON)
	}
	s, code := openAccount(e, "", storeRead)
	if s == nil {
		return code
	}
	defer s.Close()
	if words != "" {
		if n, err := s.engine.UnindexedBodies(ctx); err == nil && n > 0 {
			fmt.Fprintf(e.stderr, "popterm: note: %d stored messages are not yet indexed for search, so results may be incomplete (the next sync indexes them)\n", n)
		}
	}
	if limitPattern != nil {
		msgs, err := listMatching(ctx, s.engine, words, limitPattern, *limit)
		if err != nil {
			return failErr(e, "list", err)
		}
		if *asJSON {
			return printJSON(e, msgs)
		}
		maxID, _ := s.engine.MaxID(ctx)
		width, idWidth := termWidth(e.stdout, 0), len(fmt.Sprint(maxID))
		if isTerminal(e.stdout) && len(msgs) > 0 {
			printHeader(e.stdout, width, idWidth)
			defer fmt.Fprintln(e.stdout, flagLegend)
		}
		printColumns(e.stdout, msgs, width, idWidth)
		return exitOK
	}
	if *asJSON {
		msgs, err := s.engine.List(ctx, mailapi.Query{Search: words, Limit: *limit})
		if err != nil {
			return failErr(e, "list", err)
		}
		return printJSON(e, msgs)
	}
	if err := printList(ctx, e, s, words, *limit); err != nil {
		return failErr(e, "list", err)
	}
	return exitOK
}

// matchLister is what listMatching reads: the inbox (an Engine) or a local
// folder.
type matchLister interface {
	List(ctx context.Context, q mailapi.Query) ([]mailapi.Summary, error)
	Filter(ctx context.Context, p *pattern.Pattern, tagged func(id int64) bool) (func(*mailapi.Summary) bool, error)
}

// listMatching reads the messages of src that contain the words and match p
// (nil: all), in the list order, at most limit of them (0: all).
func listMatching(ctx context.Context, src matchLister, words string, p *pattern.Pattern, limit int) ([]mailapi.Summary, error) {
	msgs, err := src.List(ctx, mailapi.Query{Search: words})
	if err != nil {
		return nil, err
	}
	if p != nil {
		match, err := src.Filter(ctx, p, nil)
		if err != nil {
			return nil, err
		}
		msgs = slices.DeleteFunc(msgs, func(m mailapi.Summary) bool { return !match(&m) })
	}
	if limit > 0 && len(msgs) > limit {
		msgs = msgs[:limit]
	}
	return msgs, nil
}

// firstPage is how many rows plain list prints before it reads the rest.
const firstPage = 100

// printList prints the listing in columns: the first page at once (a page
// reads only its rows from the index), then the rest (which needs the whole
// listing read and sorted). A row that a concurrent sync pushed from the
// first page into the rest is printed once.
func printList(ctx context.Context, e *env, s *session, words string, limit int) error {
	maxID, err := s.engine.MaxID(ctx)
	if err != nil {
		return err
	}
	width := termWidth(e.stdout, 0)
	idWidth := len(fmt.Sprint(maxID))
	pageLimit := firstPage
	if limit > 0 {
		pageLimit = min(limit, firstPage)
	}
	page, err := s.engine.List(ctx, mailapi.Query{Search: words, Limit: pageLimit})
	if err != nil {
		return err
	}
	if isTerminal(e.stdout) && len(page) > 0 {
		printHeader(e.stdout, width, idWidth)
		defer fmt.Fprintln(e.stdout, flagLegend)
	}
	printColumns(e.stdout, page, width, idWidth)
	if len(page) < pageLimit || limit == pageLimit {
		return nil
	}
	q := mailapi.Query{Search: words, Offset: len(page)}
	if limit > 0 {
		q.Limit = limit - len(page)
	}
	rest, err := s.engine.List(ctx, q)
	if err != nil {
		return err
	}
	printed := make(map[int64]bool, len(page))
	for _, m := range page {
		printed[m.ID] = true
	}
	rest = slices.DeleteFunc(rest, func(m mailapi.Summary) bool { return printed[m.ID] })
	printColumns(e.stdout, rest, width, idWidth)
	return nil
}

// printJSON prints msgs as one JSON array ([] when empty).
func printJSON(e *env, msgs []mailapi.Summary) int { return printJSONAccounts(e, msgs, nil) }

// printJSONAccounts is printJSON with each message's account (accounts[i],
// when accounts is not nil).
func printJSONAccounts(e *env, msgs []mailapi.Summary, accounts []string) int {
	out := make([]jsonMessage, 0, len(msgs))
	for i, m := range msgs {
		j := jsonMessage{
			ID: m.ID, UIDL: message.SanitizeLine(m.UIDL), From: message.SanitizeLine(m.From), To: make([]string, 0, len(m.To)),
			Subject: message.SanitizeLine(m.Subject), Size: m.Size, Seen: m.Seen, Deleted: m.Deleted,
			Flagged: m.Flagged, Cached: m.Cached, OnServer: m.OnServer,
		}
		for _, t := range m.To {
			j.To = append(j.To, message.SanitizeLine(t))
		}
		if accounts != nil {
			j.Account = message.SanitizeLine(accounts[i])
		}
		if !m.Date.IsZero() {
			d := m.Date.Format(time.RFC3339)
			j.Date = &d
		}
		out = append(out, j)
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fail(e, exitFailure, "write the list: %v", err)
	}
	return exitOK
}

// flags is the list's flag column for m.
func flags(m mailapi.Summary) string {
	f := []byte("-----")
	if !m.Seen {
		f[0] = 'N'
	}
	if m.Deleted {
		f[1] = 'D'
	}
	if m.Flagged {
		f[2] = 'F'
	}
	if m.Cached {
		f[3] = 'B'
	}
	if !m.OnServer {
		f[4] = 'L'
	}
	return string(f)
}

// listLayout is the width of the ID and sender columns: the ID column is
// at least idWidth wide; on a terminal (width > 0) the sender gets two
// fifths of what the fixed columns leave, between 8 and 24 columns, and the
// subject gets the rest.
func listLayout(width, idWidth int) (idW, fromW int) {
	idW, fromW = max(idWidth, 2), 24
	if width > 0 {
		fixed := idW + len(" ----- 2006-01-02 15:04 123456    ")
		fromW = min(24, max(8, (width-fixed)*2/5))
	}
	return idW, fromW
}

// printHeader prints the column names, aligned with printColumns' rows.
func printHeader(w io.Writer, width, idWidth int) {
	idW, fromW := listLayout(width, idWidth)
	line := fmt.Sprintf("%*s %-5s %-16s %6s  %s  %s", idW, "ID", "FLAGS", "DATE", "SIZE", pad("FROM", fromW), "SUBJECT")
	if width > 0 {
		line = ansi.Truncate(line, width, "…")
	}
	fmt.Fprintln(w, line)
}

// printColumns prints aligned columns for people; width > 0 truncates lines
// to a terminal's width. The ID column is at least idWidth wide.
func printColumns(w io.Writer, msgs []mailapi.Summary, width, idWidth int) {
	for _, m := range msgs {
		idWidth = max(idWidth, len(fmt.Sprint(m.ID)))
	}
	idWidth, fromWidth := listLayout(width, idWidth)
	for _, m := range msgs {
		date := "                "
		if !m.Date.IsZero() {
			date = m.Date.Local().Format("2006-01-02 15:04")
		}
		from := message.SanitizeLine(message.SenderLabel(m.From, m.FromName))
		line := fmt.Sprintf("%*d %s %s %6s  %s  %s", idWidth, m.ID, flags(m), date,
			message.FormatSize(m.Size), pad(from, fromWidth), message.SanitizeLine(m.Subject))
		if width > 0 {
			line = ansi.Truncate(line, width, "…")
		}
		fmt.Fprintln(w, strings.TrimRight(line, " "))
	}
}

// pad truncates or pads s to exactly n terminal columns.
func pad(s string, n int) string {
	s = ansi.Truncate(s, n, "…")
	return s + strings.Repeat(" ", max(0, n-ansi.StringWidth(s)))
}

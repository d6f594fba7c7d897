package main

import (
	"context"
	"fmt"
	"io"
	"slices"
	"strings"

	"github.com/popterm/popterm/mailapi"
	"github.com/popterm/popterm/message"
	"github.com/popterm/popterm/pattern"
)

// accountRow is a message of one of several accounts.
type accountRow struct {
	account string
	mailapi.Summary
}

// listAllAccounts prints every account's messages in one list, in the one
// list order (ties across accounts by account name), with an account
// column (and "account" in JSON).
func listAllAccounts(ctx context.Context, e *env, words string, p *pattern.Pattern, limit int, asJSON bool) int {
	cfg, code, err := loadConfig(e)
	if err != nil {
		return fail(e, code, "%v", err)
	}
	var rows []accountRow
	for _, name := range cfg.AccountNames() {
		s, code := openConfigAccount(e, cfg, name, storeRead)
		if s == nil {
			return code
		}
		msgs, err := listMatching(ctx, s.engine, words, p, 0)
		s.Close()
		if err != nil {
			return failErr(e, "list "+name, err)
		}
		for _, m := range msgs {
			rows = append(rows, accountRow{account: name, Summary: m})
		}
	}
	slices.SortFunc(rows, func(a, b accountRow) int {
		// The list order by time; IDs are per account, so equal times go
		// by account first.
		if c := mailapi.CompareNewest(a.SortKey(), 0, b.SortKey(), 0); c != 0 {
			return c
		}
		if c := strings.Compare(a.account, b.account); c != 0 {
			return c
		}
		return a.CompareNewest(&b.Summary)
	})
	if limit > 0 && len(rows) > limit {
		rows = rows[:limit]
	}
	msgs := make([]mailapi.Summary, len(rows))
	accounts := make([]string, len(rows))
	for i, r := range rows {
		msgs[i], accounts[i] = r.Summary, r.account
	}
	if asJSON {
		return printJSONAccounts(e, msgs, accounts)
	}
	tty := isTerminal(e.stdout) && len(msgs) > 0
	printAccountColumns(e.stdout, msgs, accounts, termWidth(e.stdout, 0), tty)
	if tty {
		fmt.Fprintln(e.stdout, flagLegend)
	}
	return exitOK
}

// printAccountColumns prints the columns of printColumns after an account
// column, under a header row when header is set.
func printAccountColumns(w io.Writer, msgs []mailapi.Summary, accounts []string, width int, header bool) {
	accW := 0
	for _, a := range accounts {
		accW = max(accW, len(message.SanitizeLine(a)))
	}
	idW := 0
	for _, m := range msgs {
		idW = max(idW, len(fmt.Sprint(m.ID)))
	}
	var b strings.Builder
	if header {
		accW = max(accW, len("ACCOUNT"))
		printHeader(&b, max(width-accW-1, 0), idW)
	}
	printColumns(&b, msgs, max(width-accW-1, 0), idW)
	lines := strings.SplitAfter(b.String(), "\n")
	if header {
		fmt.Fprintf(w, "%-*s %s", accW, "ACCOUNT", lines[0])
		lines = lines[1:]
	}
	for i, a := range accounts {
		if i < len(lines) {
			fmt.Fprintf(w, "%-*s %s", accW, message.SanitizeLine(a), lines[i])
		}
	}
}

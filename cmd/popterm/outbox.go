package main

import (
	"context"
	"encoding/json"
	"fmt"
	"text/tabwriter"
	"time"

	"github.com/popterm/popterm/cache"
	"github.com/popterm/popterm/mailbox"
	"github.com/popterm/popterm/message"
)

const outboxUsage = "outbox [--json] [--send] [--retry ID] [--drop ID]"

const outboxHelp = `Lists the messages waiting in the account's outbox: queued (they go out
with the next popterm sync or --send), sending (popterm stopped during the
transfer: they may have been sent; check, then --retry or --drop), failed
(refused for good; --retry after fixing the cause, or --drop).
An ID may be shortened to any unique prefix.`

// jsonOutbox is one line of popterm outbox --json.
type jsonOutbox struct {
	ID        string   `json:"id"`
	To        []string `json:"to"`
	Subject   string   `json:"subject"`
	Date      string   `json:"date"`
	Attempts  int      `json:"attempts"`
	State     string   `json:"state"`
	LastError *string  `json:"last_error"`
}

func cmdOutbox(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet(e, "outbox", outboxUsage)
	asJSON := fs.Bool("json", false, "print JSON")
	send := fs.Bool("send", false, "submit every queued message now")
	drop := fs.String("drop", "", "remove message ID from the outbox")
	retry := fs.String("retry", "", "queue message ID again (failed, or may have been sent)")
	rest, done, code := parseFlags(e, fs, args, outboxUsage, outboxHelp)
	if done {
		return code
	}
	if len(rest) > 0 {
		return fail(e, exitUsage, "outbox: unexpected argument %q (see popterm outbox -h)", message.SanitizeLine(rest[0]))
	}
	cfg, code, err := loadConfig(e)
	if err != nil {
		return fail(e, code, "%v", err)
	}
	mode := storeRead
	if *send || *drop != "" || *retry != "" {
		mode = storeWrite
	}
	s, code := openConfigAccount(e, cfg, e.account, mode)
	if s == nil {
		return code
	}
	defer s.Close()
	ob := s.outbox(e)
	switch {
	case *drop != "":
		m, err := ob.Drop(*drop)
		if err != nil {
			return fail(e, exitUsage, "outbox --drop: %s", message.SanitizeLine(err.Error()))
		}
		fmt.Fprintf(e.stdout, "dropped %s %q\n", shortID(m.ID), message.SanitizeLine(m.Subject))
		return exitOK
	case *retry != "":
		m, err := ob.Retry(*retry)
		if err != nil {
			return fail(e, exitUsage, "outbox --retry: %s", message.SanitizeLine(err.Error()))
		}
		fmt.Fprintf(e.stdout, "queued again %s %q\n", shortID(m.ID), message.SanitizeLine(m.Subject))
		return exitOK
	case *send:
		res, err := ob.Flush(ctx, mailbox.FlushOptions{Force: true})
		if err != nil {
			return fail(e, exitFailure, "outbox --send: %v", err)
		}
		return reportFlush(e, res)
	}
	list, err := ob.List()
	if err != nil {
		return fail(e, exitFailure, "outbox: %v", err)
	}
	if *asJSON {
		return printOutboxJSON(e, list)
	}
	if len(list) == 0 {
		fmt.Fprintln(e.stdout, "the outbox is empty")
		return exitOK
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "ID\tSTATE\tTRIES\tQUEUED\tTO\tSUBJECT")
	for _, m := range list {
		state := string(m.State)
		if m.State == cache.Sending {
			state = "may have been sent"
		}
		to := ""
		if len(m.To) > 0 {
			to = m.To[0]
			if len(m.To) > 1 {
				to += fmt.Sprintf(" +%d", len(m.To)-1)
			}
		}
		fmt.Fprintf(tw, "%s\t%s\t%d\t%s\t%s\t%s\n", shortID(m.ID), state, m.Attempts,
			m.Queued.Local().Format("2006-01-02 15:04"), message.SanitizeLine(to), message.SanitizeLine(m.Subject))
		if m.LastError != "" {
			fmt.Fprintf(tw, "\t  %s\t\t\t\t\n", message.SanitizeLine(m.LastError))
		}
	}
	tw.Flush()
	return exitOK
}

func printOutboxJSON(e *env, list []cache.OutboxEntry) int {
	out := make([]jsonOutbox, 0, len(list))
	for _, m := range list {
		j := jsonOutbox{ID: m.ID, To: m.To, Subject: m.Subject, Date: m.Queued.UTC().Format(time.RFC3339),
			Attempts: m.Attempts, State: string(m.State)}
		if j.To == nil {
			j.To = []string{}
		}
		if m.LastError != "" {
			msg := m.LastError
			j.LastError = &msg
		}
		out = append(out, j)
	}
	enc := json.NewEncoder(e.stdout)
	enc.SetIndent("", "  ")
	if err := enc.Encode(out); err != nil {
		return fail(e, exitFailure, "outbox: %v", err)
	}
	return exitOK
}

// flushBeforeSync submits the account's due queued messages first, as every
// sync does. What stays queued is reported on stderr; it does not change the
// sync's exit status.
func flushBeforeSync(ctx context.Context, e *env, s *session) {
	if s.acct.SMTP == nil || s.engine.ReadOnly() {
		return
	}
	res, err := s.outbox(e).Flush(ctx, mailbox.FlushOptions{})
	if err != nil {
		fmt.Fprintf(e.stderr, "popterm: %s: outbox: %s\n", message.SanitizeLine(s.acct.Name), message.SanitizeLine(err.Error()))
		return
	}
	reportFlush(e, res)
}

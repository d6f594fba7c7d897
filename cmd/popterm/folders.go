package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/popterm/popterm/mailbox"
	"github.com/popterm/popterm/message"
	"github.com/popterm/popterm/pattern"
)

// folderFlagHelp documents --folder.
const folderFlagHelp = "inbox (the default), sent, drafts, outbox, or another local folder's name"

// localFolder returns the local folder --folder names ("sent", "drafts" and
// "outbox" in any case are Sent, Drafts and Outbox); inbox is "".
func localFolder(name string) string {
	switch n := strings.TrimSpace(name); strings.ToLower(n) {
	case "", "inbox":
		return ""
	case "sent", "drafts", "outbox":
		return strings.ToUpper(n[:1]) + strings.ToLower(n[1:])
	default:
		return n
	}
}

// listLocalFolder is `popterm list --folder F`: the folder's messages,
// newest first, numbered by their place in the folder.
func listLocalFolder(ctx context.Context, e *env, name, words string, p *pattern.Pattern, asJSON bool, limit int) int {
	s, code := openAccount(e, "", storeRead)
	if s == nil {
		return code
	}
	defer s.Close()
	f, err := s.engine.OpenFolder(name)
	var msgs []mailbox.Summary
	if err == nil {
		defer f.Close()
		msgs, err = listMatching(ctx, f, words, p, limit)
	}
	if err != nil {
		return failErr(e, "list --folder "+message.SanitizeLine(name), err)
	}
	if asJSON {
		return printJSON(e, msgs)
	}
	printColumns(e.stdout, msgs, termWidth(e.stdout, 0), len(fmt.Sprint(len(msgs))))
	return exitOK
}

// showLocalFolder is `popterm show --folder F ID`, ID as list --folder
// numbers the folder's messages.
func showLocalFolder(ctx context.Context, e *env, name, arg string, raw bool) int {
	ids, err := parseIDs([]string{arg})
	if err != nil {
		return fail(e, exitUsage, "%v", err)
	}
	s, code := openAccount(e, "", storeRead)
	if s == nil {
		return code
	}
	defer s.Close()
	f, err := s.engine.OpenFolder(name)
	if err == nil {
		defer f.Close()
		_, err = f.List(ctx, mailbox.Query{}) // numbers the messages
	}
	if err != nil {
		return failErr(e, "show --folder "+message.SanitizeLine(name), err)
	}
	if raw {
		body, err := f.Body(ctx, ids[0])
		if err != nil {
			return failErr(e, fmt.Sprintf("show message %d of %s", ids[0], message.SanitizeLine(name)), err)
		}
		defer body.Close()
		return showRaw(e, body)
	}
	m, err := f.Open(ctx, ids[0], message.Options{PreferHTML: s.cfg.UI.PreferHTML})
	if err != nil {
		return failErr(e, fmt.Sprintf("show message %d of %s", ids[0], message.SanitizeLine(name)), err)
	}
	render(e.stdout, m, termWidth(e.stdout, 80))
	return exitOK
}

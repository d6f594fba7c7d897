package main

import (
	"context"
	"fmt"
	"io"
	"net/mail"
	"os"
	"path/filepath"
	"strings"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/mailbox"
	"github.com/popterm/popterm/message"
	"github.com/popterm/popterm/message/compose"
)

// Bounds of what `popterm send` reads.
const (
	maxSendBody       = 32 << 20
	maxSendAttachment = 32 << 20
)

// listFlag is a flag that may be given several times.
type listFlag []string

func (l *listFlag) String() string     { return strings.Join(*l, ", ") }
func (l *listFlag) Set(v string) error { *l = append(*l, v); return nil }

const sendUsage = "send --to ADDR [--cc ADDR] [--bcc ADDR] --subject TEXT [--attach FILE]... [--in-reply-to ID] < body"

const sendHelp = `Sends a message written on standard input (UTF-8 text) from the account's
from address, with the account's signature. The message is first stored in
the account's outbox, then submitted to [account.smtp]; when the server
cannot take it now it stays queued and goes out with the next
popterm sync or popterm outbox --send.

Exit status: 0 the server accepted it (it is in Sent), 4 queued (offline,
timeout, the server said try later), 3 the server refused the credentials
(queued), 1 refused for good (kept as failed, see popterm outbox), 2 usage
or the account's sending settings (certificate, STARTTLS missing; queued).`

func cmdSend(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet(e, "send", sendUsage)
	var to, cc, bcc, attach listFlag
	fs.Var(&to, "to", "recipient (repeat, or separate with commas)")
	fs.Var(&cc, "cc", "copy recipient")
	fs.Var(&bcc, "bcc", "blind copy recipient (never in the message's header)")
	fs.Var(&attach, "attach", "attach a file (repeat for more)")
	subject := fs.String("subject", "", "the subject")
	inReplyTo := fs.String("in-reply-to", "", "the Message-ID this answers (threads the reply)")
	rest, done, code := parseFlags(e, fs, args, sendUsage, sendHelp)
	if done {
		return code
	}
	if len(rest) > 0 {
		return fail(e, exitUsage, "send: unexpected argument %q (the body comes from standard input)", message.SanitizeLine(rest[0]))
	}
	if len(to)+len(cc)+len(bcc) == 0 {
		return fail(e, exitUsage, "send: no recipient: give --to ADDR")
	}
	cfg, code, err := loadConfig(e)
	if err != nil {
		return fail(e, code, "%v", err)
	}
	acct, err := cfg.Account(e.account)
	if err != nil {
		return fail(e, exitUsage, "%v", err)
	}
	d, code := sendDraft(e, acct, to, cc, bcc, attach, *subject, *inReplyTo)
	if d == nil {
		return code
	}
	built, err := compose.Build(d, nil)
	if err != nil {
		return fail(e, exitUsage, "send: %v", err)
	}
	s, code := openConfigAccount(e, cfg, acct.Name, storeWrite)
	if s == nil {
		return code
	}
	defer s.Close()
	ob := s.outbox(e)
	entry, err := ob.Queue(built)
	if err != nil {
		return fail(e, exitFailure, "send: %v (nothing was sent)", err)
	}
	res, err := ob.Flush(ctx, mailbox.FlushOptions{Only: entry.ID})
	if err != nil {
		return fail(e, exitFailure, "send: %v", err)
	}
	return reportFlush(e, res)
}

// sendDraft builds the draft of `popterm send` from its flags and stdin.
func sendDraft(e *env, acct *config.Account, to, cc, bcc, attach []string, subject, inReplyTo string) (*compose.Draft, int) {
	if acct.SMTP == nil {
		return nil, fail(e, exitUsage, "send: account %s has no [account.smtp] table: add the provider's submission server (see docs/config.md)", acct.Name)
	}
	from, err := acct.FromAddress()
	if err != nil {
		return nil, fail(e, exitUsage, "send: %v", err)
	}
	d := &compose.Draft{From: from, Subject: subject}
	for _, l := range []struct {
		name string
		in   []string
		out  *[]*mail.Address
	}{{"--to", to, &d.To}, {"--cc", cc, &d.Cc}, {"--bcc", bcc, &d.Bcc}} {
		for _, v := range l.in {
			addrs, err := compose.ParseAddresses(v)
			if err != nil {
				return nil, fail(e, exitUsage, "send: %s: %s", l.name, message.SanitizeLine(err.Error()))
			}
			*l.out = append(*l.out, addrs...)
		}
	}
	if id := strings.Trim(strings.TrimSpace(inReplyTo), "<>"); id != "" {
		d.InReplyTo, d.References = id, []string{id}
	}
	body, err := io.ReadAll(io.LimitReader(e.stdin, maxSendBody+1))
	if err != nil {
		return nil, fail(e, exitFailure, "send: reading the body from standard input: %v", err)
	}
	if len(body) > maxSendBody {
		return nil, fail(e, exitUsage, "send: the body is over 32 MB; attach large files with --attach")
	}
	sig, err := acct.Signature()
	if err != nil {
		return nil, fail(e, exitUsage, "send: %v", err)
	}
	d.Body = compose.Identity{Signature: sig}.Sign(string(body))
	for _, path := range attach {
		data, err := readAttachment(path)
		if err != nil {
			return nil, fail(e, exitUsage, "send: --attach: %v", err)
		}
		d.Attachments = append(d.Attachments, compose.Attachment{Name: filepath.Base(path), Data: data})
	}
	return d, exitOK
}

// readAttachment reads a file to attach, bounded.
func readAttachment(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	data, err := io.ReadAll(io.LimitReader(f, maxSendAttachment+1))
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if len(data) > maxSendAttachment {
		return nil, fmt.Errorf("%s is over 32 MB, more than mail servers take", path)
	}
	return data, nil
}

// outbox is the account's outbox, over the store its engine owns.
func (s *session) outbox(e *env) *mailbox.Outbox { return s.engine.Outbox(smtpCredentials(e, s.acct)) }

// smtpCredentials resolves the SMTP secrets through config: smtp.password_cmd,
// the keyring's SMTP secret, else the account's password; the OAuth2 token.
func smtpCredentials(e *env, acct *config.Account) mailbox.Credentials {
	if acct.OAuth2.Provider != "" {
		return signinCredentials(e, acct) // the built-in sign-in's tokens
	}
	return mailbox.Credentials{
		Password: func(ctx context.Context) (string, error) {
			return config.SMTPPassword(ctx, acct, e.keyring) // nil: the OS keyring
		},
		Token: func(ctx context.Context) (string, error) {
			return config.Token(ctx, acct)
		},
	}
}

// reportFlush prints one line per message that did not go and returns the
// exit status: 1 when one was refused for good, 2 when the account's
// sending settings are wrong (TLS, STARTTLS missing), 3 for refused
// credentials, 4 when something stays queued or may have been sent, else 0.
func reportFlush(e *env, res *mailbox.FlushResult) int {
	code := exitOK
	worse := func(c int) {
		rank := map[int]int{exitOK: 0, exitTryLater: 1, exitCredentials: 2, exitUsage: 3, exitFailure: 4}
		if rank[c] > rank[code] {
			code = c
		}
	}
	for _, m := range res.Sent {
		fmt.Fprintf(e.stdout, "sent %s %q\n", shortID(m.ID), message.SanitizeLine(m.Subject))
	}
	for _, m := range res.Failed {
		fmt.Fprintf(e.stderr, "popterm: refused, kept in the outbox as failed: %s %q: %s\n", shortID(m.ID), message.SanitizeLine(m.Subject), message.SanitizeLine(m.LastError))
		worse(exitFailure)
	}
	for _, m := range res.Uncertain {
		fmt.Fprintf(e.stderr, "popterm: may have been sent (no reply after the whole message): %s %q: check the recipient's copy, then popterm outbox --retry or --drop %s\n", shortID(m.ID), message.SanitizeLine(m.Subject), shortID(m.ID))
		worse(exitTryLater)
	}
	if len(res.Deferred) > 0 {
		why := "the server asked to try later"
		c := exitTryLater
		if res.Err != nil {
			why, c = message.SanitizeLine(res.Err.Error()), exitFor(res.Err)
			if c == exitCredentials {
				why += "; check the SMTP password (smtp.password_cmd, account passwd --smtp, or the account's)"
			}
		}
		fmt.Fprintf(e.stderr, "popterm: %d message(s) stay queued: %s; they go out with the next popterm sync or popterm outbox --send\n", len(res.Deferred), why)
		worse(c)
	}
	return code
}

// shortID is the part of an outbox ID people need to type (a unique
// prefix is accepted).
func shortID(id string) string {
	if i := strings.IndexByte(id, '.'); i > 0 && len(id) > i+9 {
		return id[:i+9]
	}
	return id
}

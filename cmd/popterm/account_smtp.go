package main

import (
	"context"
	"fmt"
	"strings"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/mailbox"
	"github.com/popterm/popterm/message"
	"github.com/popterm/popterm/submit"
)

// testSubmission is the sending half of `popterm account test`: it
// connects to [account.smtp] as a flush would, logs in and reports what the
// server offers, without sending anything. An account without the table
// is only told it cannot send.
func testSubmission(ctx context.Context, e *env, acct *config.Account) int {
	if acct.SMTP == nil {
		fmt.Fprintf(e.stdout, "account %s has no [account.smtp]: it cannot send\n", acct.Name)
		return exitOK
	}
	addr := fmt.Sprintf("%s:%d", acct.SMTP.Host, acct.SMTP.Port)
	fmt.Fprintf(e.stderr, "testing SMTP %s (%s)...\n", addr, config.TLSModeName(acct.SMTP.TLS))
	p, err := mailbox.NewOutbox(acct, nil, smtpCredentials(e, acct)).Probe(ctx)
	if err != nil {
		code := exitFailure
		switch submit.KindOf(err) {
		case submit.Temporary:
			code = exitTryLater
		case submit.Credentials:
			code = exitCredentials
		}
		return fail(e, code, "account %s: sending test failed: %s", acct.Name, message.SanitizeLine(err.Error()))
	}
	var parts []string
	if p.TLSVersion != "" {
		parts = append(parts, p.TLSVersion)
	}
	if p.Mechanism != "" {
		parts = append(parts, "logged in with "+strings.ToUpper(p.Mechanism))
	}
	if len(p.Caps.Auth) > 0 {
		parts = append(parts, "AUTH "+strings.Join(p.Caps.Auth, " "))
	}
	if p.Caps.Size > 0 {
		parts = append(parts, fmt.Sprintf("messages up to %.1f MB", float64(p.Caps.Size)/(1<<20)))
	}
	if p.Caps.EightBitMIME {
		parts = append(parts, "8BITMIME")
	}
	if p.Caps.UTF8 {
		parts = append(parts, "SMTPUTF8")
	}
	fmt.Fprintf(e.stdout, "  %s\n", message.SanitizeLine(strings.Join(parts, ", ")))
	fmt.Fprintf(e.stdout, "account %s can send\n", acct.Name)
	return exitOK
}

package mailbox

import (
	"context"
	"errors"
	netmail "net/mail"

	"github.com/popterm/popterm/mailapi"
	"github.com/popterm/popterm/message"
	"github.com/popterm/popterm/message/compose"
)

// The reader's view of sending: thin methods over Outbox, so the UI needs
// neither the store nor the submission client.

// errNoSMTP is returned when the account has no [account.smtp] table.
var errNoSMTP = &mailapi.Error{Kind: mailapi.KindConfig,
	Err: errors.New("the account has no [account.smtp] table: add the provider's submission server to send (see docs/config.md)")}

// SetSubmitCredentials gives the engine the SMTP secrets its outbox uses
// (see config.SMTPPassword); without them the outbox flushes with the
// engine's POP3 credentials.
func (e *Engine) SetSubmitCredentials(c Credentials) {
	e.mu.Lock()
	e.smtpCreds = &c
	e.mu.Unlock()
}

// outbox is the account's outbox with the submission credentials.
func (e *Engine) outbox() *Outbox {
	e.mu.Lock()
	c := e.creds
	if e.smtpCreds != nil {
		c = *e.smtpCreds
	}
	e.mu.Unlock()
	return e.Outbox(c)
}

// Sender returns the account's From address and its signature (the
// content of signature_file, "" when unset), for composing.
func (e *Engine) Sender() (*netmail.Address, string, error) {
	if e.acct.SMTP == nil {
		return nil, "", errNoSMTP
	}
	from, err := e.acct.FromAddress()
	if err != nil {
		return nil, "", &mailapi.Error{Kind: mailapi.KindConfig, Err: err}
	}
	sig, err := e.acct.Signature()
	if err != nil {
		return nil, "", &mailapi.Error{Kind: mailapi.KindConfig, Err: err}
	}
	return from, sig, nil
}

// QueueMessage stores a built message in the outbox, durably (fsynced),
// with its envelope; nothing is sent (FlushOutbox does that).
func (e *Engine) QueueMessage(raw []byte, from string, recipients []string) error {
	if e.acct.SMTP == nil {
		return errNoSMTP
	}
	_, err := e.outbox().Queue(&compose.Built{Raw: raw, From: from, Recipients: recipients})
	return classified(err)
}

// SaveDraft stores a message in Drafts.
func (e *Engine) SaveDraft(raw []byte) error {
	_, err := e.outbox().SaveDraft(raw)
	return classified(err)
}

// DropDraft removes draft id of Drafts (numbered as the Drafts folder
// numbers its messages): a resumed draft once its new copy is queued or
// saved again.
func (e *Engine) DropDraft(id int64) error {
	return classified(e.store.RemoveDraft(context.Background(), id))
}

// OutboxCount is how many messages the outbox holds (queued, being sent
// or failed).
func (e *Engine) OutboxCount() (int, error) {
	list, err := e.outbox().List()
	return len(list), classified(err)
}

// FlushOutbox submits the due queued messages (force: every queued one,
// retry time or not) on one connection, as every sync does first. An
// account without [account.smtp] or a read-only store has nothing to do.
func (e *Engine) FlushOutbox(ctx context.Context, force bool) (mailapi.Flushed, error) {
	if e.acct.SMTP == nil || e.readOnly {
		return mailapi.Flushed{}, nil
	}
	e.flushMu.Lock()
	defer e.flushMu.Unlock()
	ob := e.outbox()
	res, err := ob.Flush(ctx, FlushOptions{Force: force})
	if err != nil {
		return mailapi.Flushed{}, classified(err)
	}
	out := mailapi.Flushed{Sent: len(res.Sent), Failed: len(res.Failed), Uncertain: len(res.Uncertain)}
	switch {
	case res.Err != nil:
		out.Reason = message.SanitizeLine(res.Err.Error())
	case len(res.Failed) > 0:
		out.Reason = message.SanitizeLine(res.Failed[0].LastError)
	case len(res.Deferred) > 0:
		out.Reason = message.SanitizeLine(res.Deferred[0].LastError)
	}
	list, err := ob.List()
	if err != nil {
		return out, classified(err)
	}
	out.Queued = len(list)
	return out, nil
}

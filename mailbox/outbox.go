package mailbox

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/popterm/popterm/cache"
	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/mailapi"
	"github.com/popterm/popterm/message"
	"github.com/popterm/popterm/message/compose"
	"github.com/popterm/popterm/submit"
)

// Retry delays after a temporary failure: one minute, doubling with every
// attempt, at most an hour.
const (
	firstRetry = time.Minute
	maxRetry   = time.Hour
)

// Outbox queues an account's messages in its store and submits them over
// SMTP. A message is on disk (fsynced) before any network; it moves to Sent
// only once the server accepted DATA; "sending" is recorded before DATA so
// a crash leaves it marked as possibly sent, never sent again silently.
type Outbox struct {
	acct  *config.Account
	store *cache.Store
	creds Credentials
	// Dial and Now may be replaced by tests.
	Dial func(ctx context.Context, opts submit.Options) (*submit.Client, error)
	Now  func() time.Time
}

// NewOutbox returns the outbox of acct over its opened store (nil for an
// outbox that only probes the server). creds gives the SMTP password
// (config.SMTPPassword) and the OAuth2 token.
func NewOutbox(acct *config.Account, st *cache.Store, creds Credentials) *Outbox {
	return &Outbox{acct: acct, store: st, creds: creds, Dial: submit.Dial, Now: time.Now}
}

// Outbox returns the outbox of the engine's account over the store the
// engine owns; creds gives the SMTP password (config.SMTPPassword) and the
// OAuth2 token.
func (e *Engine) Outbox(creds Credentials) *Outbox {
	return NewOutbox(e.acct, e.store, creds)
}

// Queue stores a built message in the outbox, durably, and returns its
// entry. Nothing is sent: Flush does that. A Drafts copy (carrying
// compose.DraftBccHeader) is refused: it would show its Bcc.
func (o *Outbox) Queue(b *compose.Built) (cache.OutboxEntry, error) {
	header, _, _ := bytes.Cut(b.Raw, []byte("\n\n"))
	if bytes.Contains(bytes.ToLower(append([]byte("\n"), header...)), []byte("\n"+strings.ToLower(compose.DraftBccHeader)+":")) {
		return cache.OutboxEntry{}, fmt.Errorf("queue the message: it carries the Drafts-only %s field, which would show the Bcc to every recipient: resume the draft and send it from the editor", compose.DraftBccHeader)
	}
	e, err := o.store.Enqueue(b.Raw, b.From, b.Recipients, message.ParseSummary(header).Subject)
	if err != nil {
		return e, fmt.Errorf("queue the message: %w", err)
	}
	return e, nil
}

// FlushOptions choose what Flush sends.
type FlushOptions struct {
	// Force sends queued messages whose retry time has not come yet.
	Force bool
	// Only, when set, limits the flush to this outbox ID.
	Only string
}

// submitError classifies a submission failure among the engine's error
// kinds, so every command maps it to an exit status through one table (the
// *submit.Error stays reachable with errors.As).
func submitError(err error) error {
	if err == nil {
		return nil
	}
	kind := mailapi.KindOther // a refusal for good
	switch submit.KindOf(err) {
	case submit.Temporary:
		kind = mailapi.KindTryLater
	case submit.Credentials:
		kind = mailapi.KindCredentials
	case submit.Setup:
		kind = mailapi.KindConfig
	}
	return &mailapi.Error{Kind: kind, Err: err}
}

// FlushResult says what became of each message a flush tried.
type FlushResult struct {
	// Sent were accepted and moved to Sent.
	Sent []cache.OutboxEntry
	// Failed were refused for good (5xx) and stay in the outbox as failed.
	Failed []cache.OutboxEntry
	// Deferred stay queued after a temporary failure, or because the
	// connection could not be made or authenticated (Err says why).
	Deferred []cache.OutboxEntry
	// Uncertain reached the server but no reply came back: they may have
	// been sent, and stay marked "sending" for the user to decide.
	Uncertain []cache.OutboxEntry
	// Err is the failure that stopped the flush (connection, TLS,
	// credentials), classified as a *mailapi.Error; nil when every message
	// got an answer.
	Err error
}

// Pending returns the outbox messages a flush would send now.
func (o *Outbox) Pending(opts FlushOptions) ([]cache.OutboxEntry, error) {
	all, err := o.store.Outboxed()
	if err != nil {
		return nil, err
	}
	now := o.Now()
	var due []cache.OutboxEntry
	for _, e := range all {
		if e.State != cache.Queued || (opts.Only != "" && e.ID != opts.Only) {
			continue
		}
		if opts.Force || opts.Only != "" || e.RetryAt.IsZero() || !e.RetryAt.After(now) {
			due = append(due, e)
		}
	}
	return due, nil
}

// Flush submits the due queued messages on one connection. It returns an
// error only when the store fails; submission failures are in the result.
func (o *Outbox) Flush(ctx context.Context, opts FlushOptions) (*FlushResult, error) {
	due, err := o.Pending(opts)
	if err != nil || len(due) == 0 {
		return &FlushResult{}, err
	}
	res := &FlushResult{}
	c, err := o.connect(ctx)
	if err != nil {
		res.Err = submitError(err)
		for _, e := range due {
			if err := o.deferEntry(&e, err, submit.KindOf(err) == submit.Temporary); err != nil {
				return res, err
			}
			res.Deferred = append(res.Deferred, e)
		}
		return res, nil
	}
	defer c.Close()
	for i, e := range due {
		if ctx.Err() != nil {
			res.Err = ctx.Err()
			res.Deferred = append(res.Deferred, due[i:]...)
			break
		}
		stop, err := o.sendOne(ctx, c, &e, res)
		if err != nil {
			return res, err
		}
		if stop != nil {
			res.Err = submitError(stop)
			res.Deferred = append(res.Deferred, due[i+1:]...)
			break
		}
	}
	return res, nil
}

// sendOne submits e and records the outcome. stop is set when the
// connection is no longer usable; err when the store failed.
func (o *Outbox) sendOne(ctx context.Context, c *submit.Client, e *cache.OutboxEntry, res *FlushResult) (stop, err error) {
	raw, err := o.store.OutboxMessage(e.ID)
	if err != nil {
		return nil, err
	}
	sendErr := c.Send(ctx, submit.Message{From: e.From, To: e.To, Raw: raw, BeforeData: func() error {
		e.State, e.Attempts, e.LastError = cache.Sending, e.Attempts+1, ""
		return o.store.UpdateOutbox(*e)
	}})
	if sendErr == nil {
		if _, err := o.store.MoveToSent(e.ID); err != nil {
			return nil, fmt.Errorf("the server accepted %s but it could not be moved to Sent: %w", e.ID, err)
		}
		res.Sent = append(res.Sent, *e)
		return nil, nil
	}
	var se *submit.Error
	errors.As(sendErr, &se)
	switch {
	case se != nil && se.MaybeSent:
		e.State, e.LastError = cache.Sending, "may have been sent: "+sendErr.Error()
		res.Uncertain = append(res.Uncertain, *e)
		return sendErr, o.store.UpdateOutbox(*e)
	case submit.KindOf(sendErr) == submit.Permanent:
		countAttempt(e)
		e.State, e.LastError = cache.Failed, sendErr.Error()
		res.Failed = append(res.Failed, *e)
		return nil, o.store.UpdateOutbox(*e)
	}
	if err := o.deferEntry(e, sendErr, true); err != nil {
		return nil, err
	}
	res.Deferred = append(res.Deferred, *e)
	if se != nil && se.Code != 0 {
		return nil, nil // a 4xx reply: the connection is still good
	}
	return sendErr, nil
}

// deferEntry keeps e queued with the reason and, when retry, a retry time
// that grows with the attempts.
func (o *Outbox) deferEntry(e *cache.OutboxEntry, cause error, retry bool) error {
	countAttempt(e)
	e.State, e.LastError = cache.Queued, cause.Error()
	if retry {
		delay := firstRetry << min(e.Attempts-1, 10)
		e.RetryAt = o.Now().Add(min(delay, maxRetry)).UTC().Truncate(time.Second)
	}
	return o.store.UpdateOutbox(*e)
}

// countAttempt counts a failed attempt, unless BeforeData already did
// (the state is then "sending").
func countAttempt(e *cache.OutboxEntry) {
	if e.State != cache.Sending {
		e.Attempts++
	}
}

// connect dials the account's submission server and logs in.
func (o *Outbox) connect(ctx context.Context) (*submit.Client, error) {
	a := o.acct
	if a.SMTP == nil {
		return nil, &submit.Error{Op: "connect", Kind: submit.Setup, Err: fmt.Errorf("account %q has no [account.smtp] table: add the provider's submission server to send", a.Name)}
	}
	tlsCfg, err := a.SMTPTLSConfig()
	if err != nil {
		return nil, &submit.Error{Op: "tls", Kind: submit.Setup, Err: err}
	}
	opts := submit.Options{
		Host: a.SMTP.Host, Port: a.SMTP.Port, Security: submit.Security(a.SMTP.TLS), TLS: tlsCfg,
		Username: a.SMTPUsername(), Mechanism: a.SMTP.Auth,
		AllowCleartext: a.SMTP.AllowCleartextAuth, Timeout: a.SMTPTimeout(),
	}
	switch a.SMTP.Auth {
	case config.AuthNone:
		opts.Mechanism = ""
	case config.AuthXOAUTH2, config.AuthOAUTHBEARER:
		opts.Token = o.creds.Token
	default:
		if a.SMTP.Auth == config.AuthAuto && a.UsesToken() {
			opts.Token = o.creds.Token // the account signs in with OAuth2
			break
		}
		if o.creds.Password == nil {
			return nil, &submit.Error{Op: "auth", Kind: submit.Credentials, Err: errors.New("no password source")}
		}
		pw, err := o.creds.Password(ctx)
		if err != nil {
			return nil, &submit.Error{Op: "auth", Kind: submit.Credentials, Err: err}
		}
		opts.Password = pw
	}
	c, err := o.Dial(ctx, opts)
	if err == nil || opts.Token == nil || o.creds.Refresh == nil || submit.KindOf(err) != submit.Credentials {
		return c, err
	}
	// The server refused an access token that looked valid: refresh it and
	// log in once more, as the POP3 login does.
	if _, rerr := o.creds.Refresh(ctx); rerr != nil {
		return nil, &submit.Error{Op: "auth", Kind: submit.Credentials, Err: fmt.Errorf("refreshing the OAuth2 token: %w", rerr)}
	}
	return o.Dial(ctx, opts)
}

// SubmitProbe is what Probe learnt about the submission server.
type SubmitProbe struct {
	Caps submit.Capabilities
	// Mechanism is the AUTH mechanism that worked ("" without login).
	Mechanism string
	// TLSVersion is e.g. "TLS 1.3" ("" without TLS).
	TLSVersion string
}

// Probe connects to the account's submission server as a flush would,
// logs in, and reports what the server offers; it sends no message.
func (o *Outbox) Probe(ctx context.Context) (*SubmitProbe, error) {
	c, err := o.connect(ctx)
	if err != nil {
		return nil, submitError(err)
	}
	defer c.Close()
	p := &SubmitProbe{Caps: c.Capabilities(), Mechanism: c.Mechanism()}
	if st, ok := c.TLS(); ok {
		p.TLSVersion = tls.VersionName(st.Version)
	}
	return p, nil
}

// Retry puts a failed or "may have been sent" message back in the queue,
// due now. The user decides; popterm never does this by itself.
func (o *Outbox) Retry(id string) (cache.OutboxEntry, error) {
	e, err := o.store.OutboxEntry(id)
	if err != nil {
		return e, err
	}
	e.State, e.RetryAt = cache.Queued, time.Time{}
	return e, o.store.UpdateOutbox(e)
}

// Drop removes a message from the outbox for good.
func (o *Outbox) Drop(id string) (cache.OutboxEntry, error) {
	e, err := o.store.OutboxEntry(id)
	if err != nil {
		return e, err
	}
	return e, o.store.DropOutbox(e.ID)
}

// List returns the outbox, oldest first.
func (o *Outbox) List() ([]cache.OutboxEntry, error) { return o.store.Outboxed() }

// SaveDraft stores raw in Drafts and returns its ID.
func (o *Outbox) SaveDraft(raw []byte) (string, error) { return o.store.SaveDraft(raw) }

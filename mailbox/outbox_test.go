package mailbox_test

import (
	"bytes"
	"context"
	"net"
	"net/mail"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/popterm/popterm/cache"
	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/internal/dovecottest"
	"github.com/popterm/popterm/internal/postfixtest"
	"github.com/popterm/popterm/mailbox"
	"github.com/popterm/popterm/message/compose"
)

// outboxEnv is an account whose submission server is a real Postfix in
// front of a real Dovecot, with its store.
type outboxEnv struct {
	dove  *dovecottest.Server
	pf    *postfixtest.Server
	acct  *config.Account
	store *cache.Store
	ob    *mailbox.Outbox
	alice string
}

func newOutboxEnv(t *testing.T) *outboxEnv {
	t.Helper()
	dove := dovecottest.Start(t, dovecottest.WithAuthSocket())
	pf := postfixtest.Start(t, dove)
	acct := config.NewAccount("alice")
	acct.Host, acct.Username = "127.0.0.1", dove.User
	acct.Timeout = 10 * time.Second
	acct.SMTP = &config.SMTP{Host: "127.0.0.1", Port: pf.SubmissionPort, TLS: config.TLSStartTLS, Auth: config.AuthAuto, CAFile: dove.CAFile()}
	st, err := cache.Open(filepath.Join(t.TempDir(), "store"), cache.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	creds := mailbox.Credentials{Password: func(context.Context) (string, error) { return dove.Password, nil }}
	return &outboxEnv{dove: dove, pf: pf, acct: &acct, store: st, ob: mailbox.NewOutbox(&acct, st, creds),
		alice: dove.User + "@" + postfixtest.Domain}
}

func (o *outboxEnv) build(t *testing.T, to, subject, body string) *compose.Built {
	t.Helper()
	b, err := compose.Build(&compose.Draft{
		From: &mail.Address{Name: "Älice", Address: o.alice}, To: []*mail.Address{{Address: to}},
		Subject: subject, Body: body,
	}, nil)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (o *outboxEnv) queue(t *testing.T, b *compose.Built) cache.OutboxEntry {
	t.Helper()
	e, err := o.ob.Queue(b)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func (o *outboxEnv) flush(t *testing.T, opts mailbox.FlushOptions) *mailbox.FlushResult {
	t.Helper()
	res, err := o.ob.Flush(context.Background(), opts)
	if err != nil {
		t.Fatal(err)
	}
	return res
}

func (o *outboxEnv) entry(t *testing.T, id string) cache.OutboxEntry {
	t.Helper()
	e, err := o.store.OutboxEntry(id)
	if err != nil {
		t.Fatal(err)
	}
	return e
}

func TestOutboxPostfix(t *testing.T) {
	o := newOutboxEnv(t)

	t.Run("queue, flush, Sent and delivered", func(t *testing.T) {
		b := o.build(t, o.alice, "Grüße aus dem Outbox ✉", "Zeile eins\nline two\n")
		e := o.queue(t, b)
		if e.Subject != "Grüße aus dem Outbox ✉" || e.State != cache.Queued {
			t.Errorf("queued entry %+v", e)
		}
		res := o.flush(t, mailbox.FlushOptions{})
		if len(res.Sent) != 1 || res.Err != nil {
			t.Fatalf("flush: %+v", res)
		}
		if got := o.pf.Fetch(t, o.dove.User, o.dove.Password, 1)[0]; !bytes.Equal(got, b.Raw) {
			t.Errorf("delivered message differs: %s", postfixtest.FirstDiff(got, b.Raw))
		}
		sent, _ := o.store.LocalMessages(cache.Sent)
		if len(sent) != 1 || sent[0].ID != e.ID {
			t.Fatalf("Sent = %+v", sent)
		}
		if raw, _ := o.store.ReadLocalMessage(cache.Sent, e.ID); !bytes.Equal(raw, b.Raw) {
			t.Error("the copy in Sent differs from what was sent")
		}
		if list, _ := o.ob.List(); len(list) != 0 {
			t.Errorf("outbox not empty: %+v", list)
		}
	})

	t.Run("5xx is kept as failed and not retried", func(t *testing.T) {
		e := o.queue(t, o.build(t, "nobody@"+postfixtest.Domain, "to nobody", "x"))
		res := o.flush(t, mailbox.FlushOptions{})
		if len(res.Failed) != 1 {
			t.Fatalf("flush: %+v", res)
		}
		got := o.entry(t, e.ID)
		if got.State != cache.Failed || got.Attempts != 1 || !strings.Contains(got.LastError, "550") {
			t.Errorf("entry %+v, want failed with the 550 reply", got)
		}
		if res := o.flush(t, mailbox.FlushOptions{Force: true}); len(res.Sent)+len(res.Failed)+len(res.Deferred) != 0 {
			t.Errorf("a failed message was tried again: %+v", res)
		}
		if _, err := o.ob.Drop(e.ID[:15]); err != nil {
			t.Fatal(err)
		}
	})

	t.Run("4xx stays queued with a retry time, then goes", func(t *testing.T) {
		if err := o.pf.SetRecipientAccess(o.alice + " 450 4.2.1 busy, try later"); err != nil {
			t.Fatal(err)
		}
		b := o.build(t, o.alice, "busy first", "x")
		e := o.queue(t, b)
		res := o.flush(t, mailbox.FlushOptions{})
		if len(res.Deferred) != 1 || res.Err != nil {
			t.Fatalf("flush: %+v (a 4xx reply keeps the connection: no Err)", res)
		}
		got := o.entry(t, e.ID)
		if got.State != cache.Queued || got.Attempts != 1 || !strings.Contains(got.LastError, "450") || !got.RetryAt.After(time.Now()) {
			t.Errorf("entry %+v, want queued with the 450 reply and a retry time", got)
		}
		if due, _ := o.ob.Pending(mailbox.FlushOptions{}); len(due) != 0 {
			t.Errorf("due before its retry time: %+v", due)
		}
		if err := o.pf.SetRecipientAccess(); err != nil {
			t.Fatal(err)
		}
		if res := o.flush(t, mailbox.FlushOptions{Force: true}); len(res.Sent) != 1 {
			t.Fatalf("forced flush: %+v", res)
		}
		if got := o.pf.Fetch(t, o.dove.User, o.dove.Password, 1)[0]; !bytes.Equal(got, b.Raw) {
			t.Error("the retried message differs")
		}
	})

	t.Run("offline: queued, then flushed when the server is back", func(t *testing.T) {
		l, _ := net.Listen("tcp", "127.0.0.1:0")
		closed := l.Addr().(*net.TCPAddr).Port
		l.Close()
		port := o.acct.SMTP.Port
		o.acct.SMTP.Port = closed
		b := o.build(t, o.alice, "written offline", "x")
		e := o.queue(t, b)
		res := o.flush(t, mailbox.FlushOptions{})
		if len(res.Deferred) != 1 || res.Err == nil {
			t.Fatalf("offline flush: %+v", res)
		}
		if got := o.entry(t, e.ID); got.State != cache.Queued || got.LastError == "" {
			t.Errorf("entry %+v", got)
		}
		o.acct.SMTP.Port = port
		if res := o.flush(t, mailbox.FlushOptions{Force: true}); len(res.Sent) != 1 {
			t.Fatalf("flush when back: %+v", res)
		}
		o.pf.Fetch(t, o.dove.User, o.dove.Password, 1)
	})

	t.Run("no STARTTLS: nothing sent, stays queued with the reason", func(t *testing.T) {
		port := o.acct.SMTP.Port
		o.acct.SMTP.Port = o.pf.PlainPort
		defer func() { o.acct.SMTP.Port = port }()
		b := o.build(t, o.alice, "must not leak", "x")
		e := o.queue(t, b)
		res := o.flush(t, mailbox.FlushOptions{})
		if len(res.Deferred) != 1 || res.Err == nil || !strings.Contains(res.Err.Error(), "STARTTLS") {
			t.Fatalf("flush: %+v", res)
		}
		if got := o.entry(t, e.ID); got.State != cache.Queued || !strings.Contains(got.LastError, "STARTTLS") {
			t.Errorf("entry %+v", got)
		}
		if strings.Contains(o.pf.Log(), b.MessageID) {
			t.Error("Postfix received the message")
		}
		o.ob.Drop(e.ID)
	})

	t.Run("a message marked sending is never sent again by itself", func(t *testing.T) {
		// As if popterm had been killed after recording "sending", before
		// the move to Sent.
		e := o.queue(t, o.build(t, o.alice, "interrupted", "x"))
		e.State, e.Attempts = cache.Sending, 1
		if err := o.store.UpdateOutbox(e); err != nil {
			t.Fatal(err)
		}
		if res := o.flush(t, mailbox.FlushOptions{Force: true}); len(res.Sent)+len(res.Deferred) != 0 {
			t.Fatalf("a possibly sent message was sent again: %+v", res)
		}
		if _, err := o.ob.Retry(e.ID); err != nil {
			t.Fatal(err)
		}
		if res := o.flush(t, mailbox.FlushOptions{}); len(res.Sent) != 1 {
			t.Fatalf("after the user's retry: %+v", res)
		}
		o.pf.Fetch(t, o.dove.User, o.dove.Password, 1)
	})

	t.Run("no reply after the whole message: may have been sent, never resent", func(t *testing.T) {
		smtp := *o.acct.SMTP
		defer func() { *o.acct.SMTP = smtp }()
		o.acct.SMTP.Port = postfixtest.StallAfter(t, o.pf.SubmissionPort, 64<<10)
		o.acct.SMTP.Timeout = 2 * time.Second
		b, err := compose.Build(&compose.Draft{
			From: &mail.Address{Address: o.alice}, To: []*mail.Address{{Address: o.alice}}, Subject: "big, reply lost", Body: "x",
			Attachments: []compose.Attachment{{Name: "big.bin", Data: bytes.Repeat([]byte("0123456789abcdef"), 20000)}},
		}, nil)
		if err != nil {
			t.Fatal(err)
		}
		e := o.queue(t, b)
		res := o.flush(t, mailbox.FlushOptions{})
		if len(res.Uncertain) != 1 || res.Err == nil {
			t.Fatalf("flush: %+v", res)
		}
		got := o.entry(t, e.ID)
		if got.State != cache.Sending || got.Attempts != 1 || !strings.Contains(got.LastError, "may have been sent") {
			t.Errorf("entry %+v, want sending / may have been sent", got)
		}
		// The server did take it: exactly one copy arrives, and no flush
		// sends another.
		if msgs := o.pf.Fetch(t, o.dove.User, o.dove.Password, 1); !bytes.Equal(msgs[0], b.Raw) {
			t.Error("the delivered copy differs")
		}
		*o.acct.SMTP = smtp
		if res := o.flush(t, mailbox.FlushOptions{Force: true}); len(res.Sent)+len(res.Deferred)+len(res.Uncertain) != 0 {
			t.Fatalf("a possibly sent message was sent again: %+v", res)
		}
		o.ob.Drop(e.ID)
	})

	t.Run("no smtp table", func(t *testing.T) {
		smtp := o.acct.SMTP
		o.acct.SMTP = nil
		defer func() { o.acct.SMTP = smtp }()
		e := o.queue(t, o.build(t, o.alice, "x", "x"))
		res := o.flush(t, mailbox.FlushOptions{})
		if res.Err == nil || !strings.Contains(res.Err.Error(), "[account.smtp]") {
			t.Errorf("flush without smtp: %+v", res)
		}
		o.ob.Drop(e.ID)
	})
}

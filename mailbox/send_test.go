package mailbox_test

import (
	"context"
	"errors"
	netmail "net/mail"
	"path/filepath"
	"strings"
	"testing"

	"github.com/popterm/popterm/cache"
	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/mailapi"
	"github.com/popterm/popterm/mailbox"
	"github.com/popterm/popterm/message/compose"
)

// The reader's sending methods over a real Postfix: queue, count, flush
// (sent, and out of the outbox; the server down is in ui/e2e).
func TestEngineMailer(t *testing.T) {
	o := newOutboxEnv(t)
	o.acct.From = "Älice <" + o.alice + ">"
	eng := mailbox.New(o.acct, o.store, mailbox.Credentials{Password: func(context.Context) (string, error) { return "the POP3 one", nil }})
	eng.SetSubmitCredentials(mailbox.Credentials{Password: func(context.Context) (string, error) { return o.dove.Password, nil }})
	from, _, err := eng.Sender()
	if err != nil || from.Address != o.alice {
		t.Fatalf("Sender: %v %v", from, err)
	}
	b := o.build(t, o.alice, "From the reader", "Hello.\n")
	if err := eng.QueueMessage(b.Raw, b.From, b.Recipients); err != nil {
		t.Fatal(err)
	}
	if n, err := eng.OutboxCount(); err != nil || n != 1 {
		t.Fatalf("OutboxCount = %d, %v", n, err)
	}
	res, err := eng.FlushOutbox(context.Background(), true)
	if err != nil || res.Sent != 1 || res.Queued != 0 || res.Reason != "" {
		t.Fatalf("flush: %+v, %v", res, err)
	}
	if got := o.pf.Fetch(t, o.dove.User, o.dove.Password, 1)[0]; !strings.Contains(string(got), "Subject: From the reader") {
		t.Errorf("delivered:\n%s", got)
	}
	if n, _ := eng.OutboxCount(); n != 0 {
		t.Errorf("outbox after sending: %d", n)
	}
}

// accountWithoutSMTP is an account without [account.smtp] over a new store.
func accountWithoutSMTP(t *testing.T) (*config.Account, *cache.Store) {
	t.Helper()
	acct := config.NewAccount("nosmtp")
	st, err := cache.Open(filepath.Join(t.TempDir(), "store"), cache.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return &acct, st
}

func TestEngineMailerWithoutSMTP(t *testing.T) {
	acct, st := accountWithoutSMTP(t)
	eng := mailbox.New(acct, st, mailbox.Credentials{})
	if _, _, err := eng.Sender(); mailapi.KindOf(err) != mailapi.KindConfig {
		t.Errorf("Sender without smtp: %v", err)
	}
	if err := eng.QueueMessage([]byte("x"), "a@example.org", []string{"b@example.org"}); mailapi.KindOf(err) != mailapi.KindConfig {
		t.Errorf("QueueMessage without smtp: %v", err)
	}
	if res, err := eng.FlushOutbox(context.Background(), true); err != nil || res != (mailapi.Flushed{}) {
		t.Errorf("FlushOutbox without smtp: %+v %v", res, err)
	}
}

// DropDraft removes a resumed draft: its file and its index row, and only
// that draft; an unknown one is an error that removes nothing.
func TestEngineDropDraft(t *testing.T) {
	ctx := context.Background()
	acct, st := accountWithoutSMTP(t)
	eng := mailbox.New(acct, st, mailbox.Credentials{})
	for _, s := range []string{"Old plans", "Other note"} {
		if err := eng.SaveDraft([]byte("From: me@example.org\nTo: bob@example.com\nSubject: " + s + "\n\nText.\n")); err != nil {
			t.Fatal(err)
		}
	}
	rows, err := st.ListFolder(ctx, "Drafts", cache.Query{Search: "plans"})
	if err != nil || len(rows) != 1 {
		t.Fatalf("Drafts rows: %+v, %v", rows, err)
	}
	if err := eng.DropDraft(rows[0].ID + 1000); !errors.Is(err, cache.ErrNotFound) {
		t.Errorf("DropDraft of an unknown draft: %v", err)
	}
	if err := eng.DropDraft(rows[0].ID); err != nil {
		t.Fatal(err)
	}
	if rows, err := st.ListFolder(ctx, "Drafts", cache.Query{}); err != nil || len(rows) != 1 || rows[0].Subject != "Other note" {
		t.Errorf("Drafts rows after DropDraft: %+v, %v", rows, err)
	}
	files, err := st.LocalMessages(cache.Drafts)
	if err != nil || len(files) != 1 {
		t.Fatalf("Drafts files after DropDraft: %+v, %v", files, err)
	}
	if raw, _ := st.ReadLocalMessage(cache.Drafts, files[0].ID); !strings.Contains(string(raw), "Other note") {
		t.Errorf("the wrong draft was removed; left:\n%s", raw)
	}
}

// A Drafts copy, which keeps the Bcc in a field of its own, is never
// queued: nothing of it reaches the outbox.
func TestQueueRefusesADraftsCopy(t *testing.T) {
	acct, st := accountWithoutSMTP(t)
	d := &compose.Draft{From: &netmail.Address{Address: "me@example.org"}, To: []*netmail.Address{{Address: "bob@example.com"}},
		Bcc: []*netmail.Address{{Address: "sam@example.net"}}, Subject: "Plans", Body: "Hi.\n"}
	b, err := compose.Build(d, &compose.Options{Draft: true})
	if err != nil {
		t.Fatal(err)
	}
	ob := mailbox.NewOutbox(acct, st, mailbox.Credentials{})
	if _, err := ob.Queue(b); err == nil || !strings.Contains(err.Error(), compose.DraftBccHeader) {
		t.Errorf("a Drafts copy was queued: %v", err)
	}
	if list, err := st.Outboxed(); err != nil || len(list) != 0 {
		t.Errorf("outbox after the refusal: %+v, %v", list, err)
	}
	if b, err = compose.Build(d, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := ob.Queue(b); err != nil {
		t.Errorf("the message built to send: %v", err)
	}
}

package mailbox_test

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"github.com/popterm/popterm/cache"
	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/mailapi"
	"github.com/popterm/popterm/mailbox"
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

func TestEngineMailerWithoutSMTP(t *testing.T) {
	acct := config.NewAccount("nosmtp")
	st, err := cache.Open(filepath.Join(t.TempDir(), "store"), cache.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	eng := mailbox.New(&acct, st, mailbox.Credentials{})
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

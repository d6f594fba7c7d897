package submit_test

import (
	"context"
	"net/mail"
	"strings"
	"testing"
	"time"

	"github.com/popterm/popterm/internal/dovecottest"
	"github.com/popterm/popterm/internal/postfixtest"
	"github.com/popterm/popterm/message/compose"
	"github.com/popterm/popterm/submit"
)

// BenchmarkSendPostfix submits 10 KB messages one after another on one
// STARTTLS connection to a real Postfix (which delivers into Dovecot).
func BenchmarkSendPostfix(b *testing.B) {
	dove := dovecottest.Start(b, dovecottest.WithAuthSocket())
	pf := postfixtest.Start(b, dove)
	alice := dove.User + "@" + postfixtest.Domain
	m, err := compose.Build(&compose.Draft{From: &mail.Address{Address: alice}, To: []*mail.Address{{Address: alice}},
		Subject: "bench", Body: strings.Repeat("ten kilobytes of text, line by line.\n", 280)}, nil)
	if err != nil {
		b.Fatal(err)
	}
	c, err := submit.Dial(context.Background(), submit.Options{Host: "127.0.0.1", Port: pf.SubmissionPort, Security: submit.StartTLS,
		TLS: dove.TLSConfig(), Username: dove.User, Password: dove.Password, Timeout: 30 * time.Second})
	if err != nil {
		b.Fatal(err)
	}
	defer c.Close()
	b.SetBytes(int64(len(m.Raw)))
	b.ResetTimer()
	for b.Loop() {
		if err := c.Send(context.Background(), submit.Message{From: m.From, To: m.Recipients, Raw: m.Raw}); err != nil {
			b.Fatal(err)
		}
	}
}

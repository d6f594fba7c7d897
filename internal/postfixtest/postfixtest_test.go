package postfixtest

import (
	"bufio"
	"crypto/tls"
	"net"
	"strings"
	"testing"

	"github.com/popterm/popterm/internal/dovecottest"
)

// TestPorts speaks SMTP by hand: what EHLO offers on each of the three
// ports. (Delivery through Postfix into Dovecot is tested by package submit.)
func TestPorts(t *testing.T) {
	dove := dovecottest.Start(t, dovecottest.WithAuthSocket())
	pf := Start(t, dove)

	ehlo := func(c net.Conn) string {
		t.Helper()
		r := bufio.NewReader(c)
		var out strings.Builder
		send := func(line string) {
			if line != "" {
				c.Write([]byte(line + "\r\n"))
			}
			for {
				l, err := r.ReadString('\n')
				if err != nil {
					t.Fatalf("reading after %q: %v", line, err)
				}
				out.WriteString(l)
				if len(l) < 4 || l[3] == ' ' {
					return
				}
			}
		}
		send("")
		send("EHLO test")
		return out.String()
	}
	c, err := net.Dial("tcp", Addr(pf.SubmissionPort))
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if got := ehlo(c); !strings.Contains(got, "STARTTLS") || strings.Contains(got, "AUTH") {
		t.Errorf("submission port EHLO: want STARTTLS and no AUTH before TLS:\n%s", got)
	}
	p, err := net.Dial("tcp", Addr(pf.PlainPort))
	if err != nil {
		t.Fatal(err)
	}
	defer p.Close()
	if got := ehlo(p); strings.Contains(got, "STARTTLS") || !strings.Contains(got, "AUTH") {
		t.Errorf("plain port EHLO: want AUTH and no STARTTLS:\n%s", got)
	}
	tc, err := tls.Dial("tcp", Addr(pf.SMTPSPort), dove.TLSConfig())
	if err != nil {
		t.Fatal(err)
	}
	defer tc.Close()
	if got := ehlo(tc); !strings.Contains(got, "AUTH") || !strings.Contains(got, "PLAIN") {
		t.Errorf("smtps port EHLO: want AUTH PLAIN:\n%s", got)
	}
}

package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/internal/dovecottest"
	"github.com/popterm/popterm/internal/postfixtest"
	"github.com/popterm/popterm/message"
)

// sendCLI is a config whose account reads from a real Dovecot and sends
// through a real Postfix.
type sendCLI struct {
	t      *testing.T
	dove   *dovecottest.Server
	pf     *postfixtest.Server
	config string
	dir    string
	alice  string
}

func newSendCLI(t *testing.T) *sendCLI {
	t.Helper()
	dove := dovecottest.Start(t, dovecottest.WithAuthSocket())
	pf := postfixtest.Start(t, dove)
	dir := t.TempDir()
	c := &sendCLI{t: t, dove: dove, pf: pf, config: filepath.Join(dir, "config.toml"), dir: dir, alice: dove.User + "@" + postfixtest.Domain}
	c.writeConfig(pf.SubmissionPort, dove.Password)
	return c
}

// writeConfig writes the config with the submission port and SMTP password.
func (c *sendCLI) writeConfig(smtpPort int, smtpPassword string) {
	c.t.Helper()
	sig := filepath.Join(c.dir, "signature")
	os.WriteFile(sig, []byte("Alice\n"), 0o600)
	doc := fmt.Sprintf(`
[[account]]
name = "alice"
host = "127.0.0.1"
port = %d
username = %q
password_cmd = "echo %s"
ca_file = %q
store_dir = %q
from = "Älice Example <%s>"
signature_file = %q

[account.smtp]
host = "127.0.0.1"
port = %d
tls = "starttls"
password_cmd = "echo %s"
ca_file = %q
timeout = "10s"
`, portOf(c.dove.TLSAddr()), c.dove.User, c.dove.Password, c.dove.CAFile(), filepath.Join(c.dir, "store"),
		c.alice, sig, smtpPort, smtpPassword, c.dove.CAFile())
	if err := os.WriteFile(c.config, []byte(doc), 0o600); err != nil {
		c.t.Fatal(err)
	}
}

func portOf(addr string) int {
	_, p, _ := net.SplitHostPort(addr)
	var n int
	fmt.Sscan(p, &n)
	return n
}

func (c *sendCLI) run(stdin string, args ...string) (code int, stdout, stderr string) {
	c.t.Helper()
	var out, errb bytes.Buffer
	e := &env{stdin: strings.NewReader(stdin), stdout: &out, stderr: &errb}
	code = run(context.Background(), append([]string{"--config", c.config}, args...), e)
	return code, out.String(), errb.String()
}

func (c *sendCLI) outbox() []jsonOutbox {
	c.t.Helper()
	code, out, errs := c.run("", "outbox", "--json")
	if code != exitOK {
		c.t.Fatalf("outbox --json: exit %d: %s", code, errs)
	}
	var list []jsonOutbox
	if err := json.Unmarshal([]byte(out), &list); err != nil {
		c.t.Fatalf("outbox --json: %v\n%s", err, out)
	}
	return list
}

func TestSendCommand(t *testing.T) {
	c := newSendCLI(t)
	if code, out, errs := c.run("", "account", "test"); code != exitOK || !strings.Contains(out, "logged in with PLAIN") || !strings.Contains(out, "account alice can send") {
		t.Fatalf("account test: exit %d: %s%s", code, out, errs)
	}
	attach := filepath.Join(c.dir, "notes é.txt")
	os.WriteFile(attach, []byte("attached notes\n"), 0o600)

	code, _, errs := c.run("Grüße,\nthe report is attached.\n", "send", "--to", c.alice, "--bcc", c.alice,
		"--subject", "Report ☕", "--attach", attach, "--in-reply-to", "<orig@example.net>")
	if code != exitOK {
		t.Fatalf("send: exit %d: %s", code, errs)
	}
	got := c.pf.Fetch(t, c.dove.User, c.dove.Password, 1)[0]
	m, err := message.Parse(bytes.NewReader(got), message.Options{})
	if err != nil {
		t.Fatal(err)
	}
	if m.Subject != "Report ☕" || m.From.Name != "Älice Example" || m.InReplyTo != "<orig@example.net>" || len(m.Attachments) != 1 || m.Attachments[0].Name != "notes é.txt" {
		t.Errorf("delivered: subject %q from %+v in-reply-to %q attachments %+v", m.Subject, m.From, m.InReplyTo, m.Attachments)
	}
	if text := m.Text(); !strings.Contains(text, "Grüße,\nthe report is attached.\n") || !strings.Contains(text, "Alice") {
		t.Errorf("delivered text %q lacks the body or the signature", text)
	}
	header, _, _ := bytes.Cut(bytes.ReplaceAll(got, []byte("\r\n"), []byte("\n")), []byte("\n\n"))
	if bytes.HasPrefix(bytes.ToLower(header), []byte("bcc:")) || bytes.Contains(bytes.ToLower(header), []byte("\nbcc:")) {
		t.Errorf("Bcc leaked into the message's header:\n%s", header)
	}
	if list := c.outbox(); len(list) != 0 {
		t.Errorf("outbox after a send: %+v", list)
	}
	code, out, errs := c.run("", "list", "--folder", "sent", "--json")
	var sent []jsonMessage
	if json.Unmarshal([]byte(out), &sent); code != exitOK || len(sent) != 1 || sent[0].Subject != "Report ☕" || sent[0].To[0] != c.alice {
		t.Fatalf("list --folder sent: exit %d: %s%s", code, out, errs)
	}
	if code, out, errs := c.run("", "show", "--folder", "sent", fmt.Sprint(sent[0].ID)); code != exitOK || !strings.Contains(out, "Subject: Report ☕") || !strings.Contains(out, "notes é.txt") {
		t.Errorf("show --folder sent: exit %d: %s%s", code, out, errs)
	}
	// Sent is indexed: searched by its body text and matched by patterns
	// as the inbox is.
	for _, q := range [][]string{{"--search", "report attached"}, {"--search", "Grüße"}, {"--pattern", "~b report ~s Report"}} {
		code, out, errs := c.run("", append([]string{"list", "--folder", "sent", "--json"}, q...)...)
		var found []jsonMessage
		if json.Unmarshal([]byte(out), &found); code != exitOK || len(found) != 1 || found[0].ID != sent[0].ID {
			t.Errorf("list --folder sent %q: exit %d: %s%s", q, code, out, errs)
		}
	}
	for _, q := range [][]string{{"--search", "nowhere"}, {"--pattern", "~b nowhere"}} {
		if code, out, errs := c.run("", append([]string{"list", "--folder", "sent", "--json"}, q...)...); code != exitOK || strings.Contains(out, "Report") {
			t.Errorf("list --folder sent %q found it: exit %d: %s%s", q, code, out, errs)
		}
	}
	if code, out, _ := c.run("", "list", "--json", "--search", "report attached"); code != exitOK || strings.Contains(out, "Report") {
		t.Errorf("the inbox's search found the sent message: %s", out)
	}
	if code, _, _ := c.run("", "list", "--folder", "spam"); code == exitOK {
		t.Error("list --folder of a folder that does not exist succeeded")
	}

	// Refused for good: exit 1, kept as failed, then dropped.
	code, _, errs = c.run("x", "send", "--to", "nobody@"+postfixtest.Domain, "--subject", "bounce")
	if code != exitFailure || !strings.Contains(errs, "550") {
		t.Fatalf("unknown recipient: exit %d: %s", code, errs)
	}
	list := c.outbox()
	if len(list) != 1 || list[0].State != "failed" || list[0].LastError == nil || list[0].Attempts != 1 || list[0].To[0] != "nobody@"+postfixtest.Domain {
		t.Fatalf("outbox: %+v", list)
	}
	if code, out, errs := c.run("", "outbox", "--drop", list[0].ID[:15]); code != exitOK || !strings.Contains(out, "dropped") {
		t.Fatalf("--drop: exit %d: %s%s", code, out, errs)
	}

	// Offline: exit 4, queued with the reason; sent by outbox --send later.
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	closed := l.Addr().(*net.TCPAddr).Port
	l.Close()
	c.writeConfig(closed, c.dove.Password)
	code, _, errs = c.run("written offline", "send", "--to", c.alice, "--subject", "offline")
	if code != exitTryLater || !strings.Contains(errs, "queued") {
		t.Fatalf("offline: exit %d: %s", code, errs)
	}
	if list := c.outbox(); len(list) != 1 || list[0].State != "queued" || list[0].LastError == nil {
		t.Fatalf("outbox: %+v", list)
	}
	if code, out, _ := c.run("", "outbox"); code != exitOK || !strings.Contains(out, "offline") {
		t.Errorf("outbox listing: %s", out)
	}
	if code, out, errs := c.run("", "list", "--folder", "outbox", "--search", "written offline"); code != exitOK || !strings.Contains(out, "offline") {
		t.Errorf("list --folder outbox --search: exit %d: %s%s", code, out, errs)
	}

	// Credentials refused: exit 3, still queued.
	c.writeConfig(c.pf.SubmissionPort, "wrong-password")
	if code, _, errs := c.run("", "outbox", "--send"); code != exitCredentials {
		t.Fatalf("wrong SMTP password: exit %d: %s", code, errs)
	}
	c.writeConfig(c.pf.SubmissionPort, c.dove.Password)
	// Not due yet (its retry time grows with the attempts): a sync leaves it;
	// after --retry the next sync sends it first.
	if code, out, _ := c.run("", "sync"); code != exitOK || strings.Contains(out, "sent") {
		t.Fatalf("sync before the retry time: exit %d: %s", code, out)
	}
	if code, _, errs := c.run("", "outbox", "--retry", c.outbox()[0].ID); code != exitOK {
		t.Fatalf("--retry: exit %d: %s", code, errs)
	}
	if code, out, errs := c.run("", "sync"); code != exitOK || !strings.Contains(out, "sent") {
		t.Fatalf("sync (which flushes the outbox first): exit %d: %s%s", code, out, errs)
	}
	c.pf.Fetch(t, c.dove.User, c.dove.Password, 1)
	if list := c.outbox(); len(list) != 0 {
		t.Errorf("outbox after --send: %+v", list)
	}

	if code, _, errs := c.run("", "outbox", "--send"); code != exitOK {
		t.Errorf("outbox --send with nothing queued: exit %d: %s", code, errs)
	}

	// Usage errors.
	for _, args := range [][]string{{"send", "--subject", "x"}, {"send", "--to", "not an address"}, {"send", "--to", c.alice, "--attach", "/nonexistent"}, {"outbox", "--drop", "nope"}} {
		if code, _, _ := c.run("", args...); code != exitUsage {
			t.Errorf("popterm %v: exit %d, want %d", args, code, exitUsage)
		}
	}
}

func TestAccountAddSubmission(t *testing.T) {
	dove := dovecottest.Start(t, dovecottest.WithAuthSocket())
	pf := postfixtest.Start(t, dove)
	a := newAcctEnv(t, config.NewMemStore())
	add := func(name string, smtpPort int) (int, string, string) {
		return a.run(dove.Password+"\n", "account", "add", "--name", name, "--host", "127.0.0.1", "--port", fmt.Sprint(portOf(dove.TLSAddr())),
			"--user", dove.User, "--ca-file", dove.CAFile(), "--password-stdin", "--from", "Alice <alice@example.org>",
			"--smtp-host", "127.0.0.1", "--smtp-port", fmt.Sprint(smtpPort), "--smtp-tls", "starttls")
	}
	code, out, errs := add("work", pf.SubmissionPort)
	if code != exitOK || !strings.Contains(out, fmt.Sprintf("SMTP 127.0.0.1:%d: TLS 1.3, logged in with PLAIN", pf.SubmissionPort)) {
		t.Fatalf("account add: exit %d: %s%s", code, out, errs)
	}
	cfg, err := config.Load(a.cfgPath)
	if err != nil {
		t.Fatal(err)
	}
	w := cfg.Accounts[0]
	if w.SMTP == nil || w.SMTP.Port != pf.SubmissionPort || w.SMTP.TLS != config.TLSStartTLS || w.From != "Alice <alice@example.org>" {
		t.Errorf("saved account: from %q smtp %+v", w.From, w.SMTP)
	}
	// A server without STARTTLS: refused, nothing saved.
	code, _, errs = add("other", pf.PlainPort)
	if code != exitUsage || !strings.Contains(errs, "STARTTLS") || !strings.Contains(errs, "nothing saved") {
		t.Fatalf("no STARTTLS: exit %d: %s", code, errs)
	}
	if cfg, _ := config.Load(a.cfgPath); len(cfg.Accounts) != 1 {
		t.Errorf("a failed sending test saved the account: %v", cfg.AccountNames())
	}
}

func TestAccountPasswdSMTP(t *testing.T) {
	ks := config.NewMemStore()
	a := newAcctEnv(t, ks)
	if code, out, errs := a.run("", "account", "add", "--name", "w", "--host", "pop.example.com", "--user", "u", "--no-probe",
		"--smtp-host", "smtp.example.com"); code != exitOK {
		t.Fatalf("account add: exit %d: %s%s", code, out, errs)
	}
	if code, out, errs := a.run("smtp-secret\n", "account", "passwd", "--smtp", "--password-stdin", "w"); code != exitOK || !strings.Contains(out, "smtp-password:w") {
		t.Fatalf("account passwd --smtp: exit %d: %s%s", code, out, errs)
	}
	if pw, err := ks.Get("smtp-password:w"); err != nil || pw != "smtp-secret" {
		t.Fatalf("keyring: %q, %v", pw, err)
	}
	if code, out, _ := a.run("", "account", "remove", "w"); code != exitOK || !strings.Contains(out, "SMTP password") {
		t.Errorf("account remove: exit %d: %s", code, out)
	}
	if _, err := ks.Get("smtp-password:w"); err == nil {
		t.Error("account remove left the SMTP password in the keyring")
	}
}

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/popterm/popterm/internal/dovecottest"
	"github.com/popterm/popterm/internal/postfixtest"
)

// sendingMailbox is a Dovecot whose user receives one message from Bob,
// a Postfix that delivers bob@ and the user's address back into that
// Dovecot, and a popterm config that reads from the one and sends through
// the other.
func sendingMailbox(t *testing.T) (*mailbox, *postfixtest.Server) {
	t.Helper()
	dove := dovecottest.Start(t, dovecottest.WithAuthSocket())
	pf := postfixtest.Start(t, dove)
	bob := "bob@" + postfixtest.Domain
	if err := pf.AddMailbox(bob, dove.User); err != nil {
		t.Fatal(err)
	}
	dove.Deliver(dove.User, []byte("From: Bob <"+bob+">\r\nTo: "+dove.User+"@"+postfixtest.Domain+"\r\n"+
		"Subject: Lunch on Friday?\r\nDate: Thu, 03 Dec 2026 10:00:00 +0000\r\nMessage-ID: <lunch@example.org>\r\n"+
		"Content-Type: text/plain; charset=utf-8\r\n\r\nShall we meet at noon?\r\n"))
	home := t.TempDir()
	pw := filepath.Join(home, "password")
	if err := os.WriteFile(pw, []byte(dove.Password), 0o600); err != nil {
		t.Fatal(err)
	}
	host, port, _ := strings.Cut(dove.TLSAddr(), ":")
	cfgDir := filepath.Join(home, "config", "popterm")
	if err := os.MkdirAll(cfgDir, 0o700); err != nil {
		t.Fatal(err)
	}
	cfg := filepath.Join(cfgDir, "config.toml")
	toml := fmt.Sprintf(`default_account = "e2e"

[[account]]
name = "e2e"
host = %q
port = %s
tls = "implicit"
username = %[3]q
password_cmd = %[4]q
ca_file = %[5]q
prefetch = "none"
from = "Alice <%[3]s@%[6]s>"

[account.smtp]
host = "127.0.0.1"
port = %[7]d
tls = "starttls"
password_cmd = %[4]q
ca_file = %[5]q
timeout = "10s"
`, host, port, dove.User, "cat "+pw, dove.CAFile(), postfixtest.Domain, pf.SubmissionPort)
	if err := os.WriteFile(cfg, []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	return &mailbox{srv: dove, bin: buildPopterm(t), home: home, config: cfg}, pf
}

// The reader's r ... y with a scripted $VISUAL, against a real Postfix:
// the reply goes out, is fetched back from Dovecot over POP3 with the
// line the editor added, and is in the Sent folder.
func TestReplyFromTheReader(t *testing.T) {
	mb, pf := sendingMailbox(t)
	editor := filepath.Join(mb.home, "editor.sh")
	if err := os.WriteFile(editor, []byte("#!/bin/sh\nprintf 'Noon works for me.\\n' >> \"$1\"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	s := startCommand(t, mb.home, "VISUAL="+editor+" "+mb.bin+" --config "+mb.config)
	s.waitFor("Lunch on Friday?", "synced")
	s.keys("r")
	screen := s.waitFor("y send", "Re: Lunch on Friday?")
	if !strings.Contains(screen, "bob@"+postfixtest.Domain) {
		t.Fatalf("the compose screen does not address Bob:\n%s", screen)
	}
	s.keys("y")
	s.waitFor("Sent 1 message.")
	s.keys("x")
	s.waitExit()

	var reply string
	for _, raw := range pf.Fetch(t, mb.srv.User, mb.srv.Password, 2) {
		if strings.Contains(string(raw), "Subject: Re: Lunch on Friday?") {
			reply = string(raw)
		}
	}
	for _, want := range []string{"In-Reply-To: <lunch@example.org>", "Noon works for me.", "> Shall we meet at noon?"} {
		if !strings.Contains(reply, want) {
			t.Errorf("the reply fetched back lacks %q:\n%s", want, reply)
		}
	}
	sent := mb.list(t, "--folder", "sent")
	if len(sent) != 1 || sent[0]["subject"] != "Re: Lunch on Friday?" {
		t.Errorf("Sent folder: %v", sent)
	}
}

// With the submission server down, y keeps the message queued in the
// outbox: the status bar counts it and says why, and popterm outbox agrees.
func TestReplyQueuedWhileOffline(t *testing.T) {
	mb, pf := sendingMailbox(t)
	editor := filepath.Join(mb.home, "editor.sh")
	if err := os.WriteFile(editor, []byte("#!/bin/sh\nprintf 'Noon works for me.\\n' >> \"$1\"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	if err := pf.Stop(); err != nil {
		t.Fatal(err)
	}
	s := startCommand(t, mb.home, "EDITOR="+editor+" "+mb.bin+" --config "+mb.config)
	s.waitFor("Lunch on Friday?", "synced")
	s.keys("r")
	s.waitFor("y send")
	s.keys("y")
	s.waitFor("1 queued", "stays in the outbox")
	s.keys("x")
	s.waitExit()

	cmd := exec.Command(mb.bin, "--config", mb.config, "outbox", "--json")
	cmd.Env = append(os.Environ(), "HOME="+mb.home, "XDG_CONFIG_HOME="+filepath.Join(mb.home, "config"),
		"XDG_DATA_HOME="+filepath.Join(mb.home, "data"))
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("popterm outbox --json: %v\n%s", err, out)
	}
	var list []map[string]any
	if err := json.Unmarshal(out, &list); err != nil || len(list) != 1 || list[0]["state"] != "queued" || list[0]["subject"] != "Re: Lunch on Friday?" {
		t.Fatalf("outbox: %v %s", err, out)
	}
}

package e2e

import (
	"encoding/json"
	"fmt"
	"os"
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
	smtp := fmt.Sprintf(`
[account.smtp]
host = "127.0.0.1"
port = %d
tls = "starttls"
password_cmd = %q
ca_file = %q
timeout = "10s"
`, pf.SubmissionPort, "echo "+dove.Password, dove.CAFile())
	home, cfg := writeConfig(t, dove, fmt.Sprintf("from = \"Alice <%s@%s>\"\n", dove.User, postfixtest.Domain), smtp)
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

	out, err := mb.command("outbox", "--json").Output()
	if err != nil {
		t.Fatalf("popterm outbox --json: %v\n%s", err, out)
	}
	var list []map[string]any
	if err := json.Unmarshal(out, &list); err != nil || len(list) != 1 || list[0]["state"] != "queued" || list[0]["subject"] != "Re: Lunch on Friday?" {
		t.Fatalf("outbox: %v %s", err, out)
	}
}

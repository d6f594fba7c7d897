package main

import (
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/popterm/popterm/internal/postfixtest"
)

// TestKillDuringSend kills the real binary after the server got the whole
// message but before popterm heard the reply: the message stays in the
// outbox as "sending" (may have been sent), and neither a sync nor
// outbox --send sends it again.
func TestKillDuringSend(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	c := newSendCLI(t)
	bin := popBinary(t)
	c.writeConfig(postfixtest.StallAfter(t, c.pf.SubmissionPort, 64<<10), c.dove.Password)
	big := filepath.Join(c.dir, "big.bin")
	os.WriteFile(big, []byte(strings.Repeat("0123456789abcdef", 20000)), 0o600)

	cmd := exec.Command(bin, "--config", c.config, "send", "--to", c.alice, "--subject", "killed", "--attach", big)
	cmd.Stdin = strings.NewReader("body")
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	done := make(chan struct{})
	go func() { cmd.Wait(); close(done) }()
	// Wait for the delivery: the server has the whole message, popterm is
	// still waiting for the reply the proxy swallows.
	deadline := time.Now().Add(20 * time.Second)
	for c.dove.Count(c.dove.User) < 1 {
		select {
		case <-done:
			t.Fatalf("popterm send ended before the delivery: %v", cmd.ProcessState)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("no delivery within 20 s")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cmd.Process.Kill()
	<-done

	states, _ := filepath.Glob(filepath.Join(c.dir, "store", "outbox", "*.json"))
	if len(states) != 1 {
		t.Fatalf("outbox states after the kill: %v", states)
	}
	var st struct{ State string }
	b, _ := os.ReadFile(states[0])
	if json.Unmarshal(b, &st); st.State != "sending" {
		t.Fatalf("state after the kill: %s", b)
	}

	c.writeConfig(c.pf.SubmissionPort, c.dove.Password)
	if code, out, errs := c.run("", "outbox"); code != exitOK || !strings.Contains(out, "may have been sent") {
		t.Errorf("outbox listing: exit %d: %s%s", code, out, errs)
	}
	if code, out, errs := c.run("", "sync"); code != exitOK || strings.Contains(out, "sent ") {
		t.Errorf("sync: exit %d: %s%s", code, out, errs)
	}
	if code, out, errs := c.run("", "outbox", "--send"); code != exitOK || strings.Contains(out, "sent ") {
		t.Errorf("outbox --send: exit %d: %s%s", code, out, errs)
	}
	msgs := c.pf.Fetch(t, c.dove.User, c.dove.Password, 1)
	if n := strings.Count(c.pf.Log(), "postfix/cleanup"); n != 1 {
		t.Errorf("Postfix received %d messages, want exactly 1:\n%s", n, c.pf.Log())
	}
	if !strings.Contains(string(msgs[0]), "Subject: killed") {
		t.Errorf("delivered: %.200s", msgs[0])
	}
	if list := c.outbox(); len(list) != 1 || list[0].State != "sending" {
		t.Errorf("outbox: %+v", list)
	}
}

package main

import (
	"context"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/popterm/popterm/internal/dovecottest"
	"github.com/popterm/popterm/pop3"
	"github.com/popterm/popterm/pop3/pop3test"
)

// killTarget is a POP3 server for the kill test.
type killTarget struct {
	addr, user, password string
	// deliver adds message i to the maildrop, so that every sync has work.
	deliver func(i int)
}

// session logs in with the pop3 client, lists the UIDLs, gives them to fn
// and quits.
func (k killTarget) session(t *testing.T, fn func(ctx context.Context, c *pop3.Client, es []pop3.UIDEntry)) {
	t.Helper()
	ctx := context.Background()
	c, err := pop3.Dial(ctx, k.addr, &pop3.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if _, err := c.Login(ctx, pop3.Credentials{Username: k.user, Password: k.password, Mechanism: "user", AllowCleartext: true}); err != nil {
		t.Fatal(err)
	}
	es, err := c.UIDL(ctx)
	if err != nil {
		t.Fatal(err)
	}
	fn(ctx, c, es)
	if err := c.Quit(ctx); err != nil {
		t.Fatal(err)
	}
}

// uidls lists the server's UIDLs with the pop3 client.
func (k killTarget) uidls(t *testing.T) []string {
	t.Helper()
	var out []string
	k.session(t, func(_ context.Context, _ *pop3.Client, es []pop3.UIDEntry) {
		for _, e := range es {
			out = append(out, e.UID)
		}
	})
	return out
}

// popBinary builds popterm into a temporary folder of the test.
func popBinary(t *testing.T) string {
	t.Helper()
	path := filepath.Join(t.TempDir(), "popterm")
	if out, err := exec.Command("go", "build", "-o", path, ".").CombinedOutput(); err != nil {
		t.Fatalf("go build: %v\n%s", err, out)
	}
	return path
}

// killHarness runs the real binary against a target.
type killHarness struct {
	t      *testing.T
	bin    string
	config string
	store  string
}

func newKillHarness(t *testing.T, tg killTarget) *killHarness {
	dir := t.TempDir()
	cfg := filepath.Join(dir, "config.toml")
	pwFile := filepath.Join(dir, "pw")
	if err := os.WriteFile(pwFile, []byte(tg.password+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	doc := `default_account = "kill"` + "\n" +
		accountTOML("kill", tg.addr, tg.user, "cat "+pwFile, filepath.Join(dir, "store")) + "timeout = \"5s\"\n"
	if err := os.WriteFile(cfg, []byte(doc), 0o600); err != nil {
		t.Fatal(err)
	}
	return &killHarness{t: t, bin: popBinary(t), config: cfg, store: filepath.Join(dir, "store")}
}

// run runs popterm to completion and returns its exit status and stdout.
func (h *killHarness) run(args ...string) (int, string) {
	h.t.Helper()
	code, out, errs := runBinary(h.t, h.bin, append([]string{"--config", h.config}, args...)...)
	if code != 0 {
		h.t.Logf("popterm %v: exit %d: %s", args, code, strings.TrimSpace(errs))
	}
	return code, out
}

// killAfter starts popterm and SIGKILLs it after d; it reports whether the
// kill came before popterm ended by itself, and how long it ran.
func (h *killHarness) killAfter(d time.Duration, args ...string) (bool, time.Duration) {
	h.t.Helper()
	cmd := exec.Command(h.bin, append([]string{"--config", h.config}, args...)...)
	start := time.Now()
	if err := cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	timer := time.AfterFunc(d, func() { cmd.Process.Signal(syscall.SIGKILL) })
	err := cmd.Wait()
	took := time.Since(start)
	timer.Stop()
	ee, ok := err.(*exec.ExitError)
	return ok && ee.ProcessState.Sys().(syscall.WaitStatus).Signal() == syscall.SIGKILL, took
}

// killInBatch starts popterm and SIGKILLs it as soon as a body waits in
// Maildir/tmp, that is inside a group commit: written, not yet renamed and
// recorded. It reports whether it killed popterm there.
func (h *killHarness) killInBatch(args ...string) bool {
	h.t.Helper()
	tmp := filepath.Join(h.store, "Maildir", "tmp")
	cmd := exec.Command(h.bin, append([]string{"--config", h.config}, args...)...)
	if err := cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	done := make(chan struct{})
	hit := make(chan bool, 1)
	go func() {
		for {
			select {
			case <-done:
				hit <- false
				return
			default:
			}
			if es, _ := os.ReadDir(tmp); len(es) > 0 {
				cmd.Process.Signal(syscall.SIGKILL)
				hit <- true
				return
			}
			time.Sleep(200 * time.Microsecond)
		}
	}()
	cmd.Wait()
	close(done)
	return <-hit
}

// list returns the store as list --json sees it.
func (h *killHarness) list() []jsonMessage {
	h.t.Helper()
	code, out := h.run("list", "--json")
	if code != 0 {
		h.t.Fatalf("list: exit %d", code)
	}
	var msgs []jsonMessage
	if err := json.Unmarshal([]byte(out), &msgs); err != nil {
		h.t.Fatalf("list --json: %v", err)
	}
	return msgs
}

// killTest SIGKILLs syncs (committing or not) at random points, marking
// messages for deletion now and then, and then checks: a full sync and the
// integrity check (without --repair) pass, every server message is stored
// exactly once, no deletion happened that was not asked for, and every mark
// whose message is still on the server is still pending. A final committing sync then deletes
// exactly the marked messages.
func killTest(t *testing.T, tg killTarget, iterations int, maxDelay time.Duration) {
	h := newKillHarness(t, tg)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 1))
	original := tg.uidls(t)
	asked := map[string]bool{} // UIDLs the user marked for deletion
	killed, inBatch := 0, 0
	bound := maxDelay
	for i := 0; i < iterations; i++ {
		args := []string{"sync", "--commit=false"}
		if i%2 == 1 {
			args = []string{"sync"}
		}
		// Kill within the time the last whole run took, so most kills land
		// inside a sync, at a random point of it; every third run, inside a
		// group commit of bodies.
		if i%3 == 0 {
			if h.killInBatch(args...) {
				killed++
				inBatch++
			}
		} else if k, took := h.killAfter(time.Duration(rng.Int64N(int64(bound))), args...); k {
			killed++
		} else {
			bound = took + took/10
		}
		tg.deliver(len(original) + i + 1)
		if i%4 == 2 {
			var candidates []jsonMessage
			for _, m := range h.list() {
				if !m.Deleted && m.OnServer {
					candidates = append(candidates, m)
				}
			}
			if len(candidates) > 0 {
				m := candidates[rng.IntN(len(candidates))]
				if code, _ := h.run("delete", fmt.Sprint(m.ID)); code != 0 {
					t.Fatalf("delete %d: exit %d", m.ID, code)
				}
				asked[m.UIDL] = true
			}
		}
	}
	if code, _ := h.run("sync", "--commit=false"); code != 0 {
		t.Fatalf("full sync after the kills: exit %d", code)
	}
	// The store finishes on Open what a killed writer left undone, so the
	// integrity check alone (no --repair) must find it consistent.
	if code, out := h.run("check"); code != 0 || !strings.Contains(out, "consistent") {
		t.Fatalf("check after the kills and a full sync: exit %d\n%s", code, out)
	}
	server := tg.uidls(t)
	onServer := map[string]bool{}
	for _, u := range server {
		onServer[u] = true
	}
	for _, u := range original {
		if !onServer[u] && !asked[u] {
			t.Errorf("message %s was deleted on the server without being asked", u)
		}
	}
	stored := map[string]int{}
	for _, m := range h.list() {
		stored[m.UIDL]++
		switch {
		case m.Deleted && !m.OnServer:
			t.Errorf("message %d (%s): a committed deletion is still stored", m.ID, m.UIDL)
		case onServer[m.UIDL] && asked[m.UIDL] && !m.Deleted:
			t.Errorf("message %d (%s): the pending deletion was lost", m.ID, m.UIDL)
		case !m.OnServer && onServer[m.UIDL]:
			t.Errorf("message %d (%s): on the server but stored as gone", m.ID, m.UIDL)
		}
	}
	for _, u := range server {
		if stored[u] != 1 {
			t.Errorf("server message %s is stored %d times", u, stored[u])
		}
	}
	if code, _ := h.run("sync"); code != 0 {
		t.Fatalf("committing sync: exit %d", code)
	}
	for _, u := range tg.uidls(t) {
		if asked[u] {
			t.Errorf("marked message %s still on the server after a committed sync", u)
		}
	}
	for _, m := range h.list() {
		if m.Deleted {
			t.Errorf("message %d still marked after a committed sync", m.ID)
		}
	}
	if killed == 0 {
		t.Fatal("no sync was killed before it ended: raise the message count")
	}
	if inBatch == 0 {
		t.Fatal("no sync was killed inside a group commit: raise the message count")
	}
	t.Logf("%d iterations (%d killed, %d inside a group commit), %d messages, %d deletions asked, %d left on the server", iterations, killed, inBatch, len(original), len(asked), len(tg.uidls(t)))
}

// killMail is message i of the kill tests: big enough that downloads take
// a while.
func killMail(i int) pop3test.Message {
	m := testMail(fmt.Sprintf("k%d", i), fmt.Sprintf("kill test %d", i))
	m.Data = append(m.Data, []byte(strings.Repeat("body line for size\n", 300))...)
	return m
}

func TestKillSyncPOP3Test(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	md := pop3test.NewMaildrop()
	for i := 1; i <= 150; i++ {
		md.Add(killMail(i))
	}
	srv := pop3test.NewTest(t, pop3test.Config{Maildrop: md})
	deliver := func(i int) { md.Add(killMail(i)) }
	killTest(t, killTarget{srv.Addr(), pop3test.DefaultUser, pop3test.DefaultPassword, deliver}, 16, time.Second)
}

func TestKillSyncDovecot(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary against Dovecot")
	}
	dc := dovecottest.Start(t)
	deliver := func(i int) { dc.Deliver(dc.User, killMail(i).Data) }
	for i := 1; i <= 200; i++ {
		deliver(i)
	}
	killTest(t, killTarget{dc.Addr(), dc.User, dc.Password, deliver}, 20, time.Second)
}

package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os/exec"
	"slices"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/popterm/popterm/internal/dovecottest"
	"github.com/popterm/popterm/mailapi"
	"github.com/popterm/popterm/pop3"
	"github.com/popterm/popterm/pop3/pop3test"
)

// messages returns every message on the server by UIDL, as RETR gives it.
func (k killTarget) messages(t *testing.T) map[string][]byte {
	t.Helper()
	out := map[string][]byte{}
	k.session(t, func(ctx context.Context, c *pop3.Client, es []pop3.UIDEntry) {
		for _, e := range es {
			r, err := c.Retr(ctx, e.Number)
			if err != nil {
				t.Fatal(err)
			}
			b, err := io.ReadAll(r)
			r.Close()
			if err != nil {
				t.Fatal(err)
			}
			out[e.UID] = b
		}
	})
	return out
}

// start runs popterm in the background.
func (h *killHarness) start(args ...string) *exec.Cmd {
	h.t.Helper()
	cmd := exec.Command(h.bin, append([]string{"--config", h.config}, args...)...)
	if err := cmd.Start(); err != nil {
		h.t.Fatal(err)
	}
	return cmd
}

// kill SIGKILLs a popterm started with start and reports whether the kill
// ended it (rather than popterm ending first).
func kill(cmd *exec.Cmd) bool {
	cmd.Process.Signal(syscall.SIGKILL)
	err := cmd.Wait()
	ee, ok := err.(*exec.ExitError)
	return ok && ee.ProcessState.Sys().(syscall.WaitStatus).Signal() == syscall.SIGKILL
}

// verifyAfterKill is what must hold right after a kill: a plain check (no
// repair, no sync first) finds the store consistent; then, after a sync that
// does not commit, every server message is stored exactly once and byte for
// byte, no message is gone from the server unless it was marked (asked),
// and every mark of a message still on the server is still pending.
func (h *killHarness) verifyAfterKill(tg killTarget, before []string, asked map[string]bool) {
	h.t.Helper()
	if code, out := h.run("check"); code != 0 || !strings.Contains(out, "consistent") {
		h.t.Fatalf("check right after the kill: exit %d\n%s", code, out)
	}
	if code, _ := h.run("sync", "--commit=false"); code != 0 {
		h.t.Fatalf("sync after the kill: exit %d", code)
	}
	server := tg.messages(h.t)
	for _, u := range before {
		if _, ok := server[u]; !ok && !asked[u] {
			h.t.Errorf("message %s is gone from the server without being marked", u)
		}
	}
	var b strings.Builder
	s, code := openAccount(&env{configPath: h.config, stderr: &b}, "", storeRead)
	if s == nil {
		h.t.Fatalf("open the store: %d %s", code, b.String())
	}
	defer s.Close()
	rows, err := s.engine.List(context.Background(), mailapi.Query{})
	if err != nil {
		h.t.Fatal(err)
	}
	stored := map[string]int{}
	for _, m := range rows {
		stored[m.UIDL]++
		want, onServer := server[m.UIDL]
		switch {
		case !onServer:
			continue // gone from the server: kept here, the only copy
		case asked[m.UIDL] && !m.Deleted:
			h.t.Errorf("message %d (%s): the pending deletion was lost", m.ID, m.UIDL)
		case !m.Cached:
			h.t.Errorf("message %d (%s): not stored after a full sync", m.ID, m.UIDL)
			continue
		}
		r, err := s.engine.OpenRaw(context.Background(), m.ID)
		if err != nil {
			h.t.Fatalf("message %d: %v", m.ID, err)
		}
		got, err := io.ReadAll(r)
		r.Close()
		if err != nil || !bytes.Equal(got, want) {
			h.t.Errorf("message %d (%s): stored %d bytes (%v), the server has %d: not byte-exact", m.ID, m.UIDL, len(got), err, len(want))
		}
	}
	for u := range server {
		if stored[u] != 1 {
			h.t.Errorf("server message %s is stored %d times", u, stored[u])
		}
	}
}

// markSome marks n random messages on the server for deletion.
func (h *killHarness) markSome(rng *rand.Rand, n int, asked map[string]bool) {
	h.t.Helper()
	var ids []string
	for _, m := range h.list() {
		if !m.Deleted && m.OnServer {
			ids = append(ids, fmt.Sprint(m.ID))
			asked[m.UIDL] = true
		}
		if len(ids) == n {
			break
		}
	}
	rng.Shuffle(len(ids), func(i, j int) { ids[i], ids[j] = ids[j], ids[i] })
	if code, _ := h.run(append([]string{"delete"}, ids...)...); code != 0 {
		h.t.Fatalf("delete %v: exit %d", ids, code)
	}
}

// commitDeletesOnlyMarked runs a committing sync and checks that exactly
// the marked messages left the server.
func (h *killHarness) commitDeletesOnlyMarked(tg killTarget, before []string, asked map[string]bool) {
	h.t.Helper()
	if code, _ := h.run("sync"); code != 0 {
		h.t.Fatalf("committing sync: exit %d", code)
	}
	left := tg.uidls(h.t)
	for _, u := range before {
		if asked[u] == slices.Contains(left, u) {
			h.t.Errorf("message %s: marked %v, on the server after the commit %v", u, asked[u], !asked[u])
		}
	}
}

// TestKillBetweenDELEAndQUIT: popterm sync sends DELE for the marks, the
// server stalls on QUIT (so nothing is deleted yet), and popterm is killed
// there. Nothing may be lost or counted as deleted: the marks stay pending,
// and the next committing sync deletes exactly them.
func TestKillBetweenDELEAndQUIT(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	md := pop3test.NewMaildrop()
	for i := 1; i <= 40; i++ {
		md.Add(killMail(i))
	}
	srv := pop3test.NewTest(t, pop3test.Config{Maildrop: md})
	tg := killTarget{srv.Addr(), pop3test.DefaultUser, pop3test.DefaultPassword, func(i int) { md.Add(killMail(i)) }}
	h := newKillHarness(t, tg)
	rng := rand.New(rand.NewPCG(uint64(time.Now().UnixNano()), 2))
	if code, _ := h.run("sync", "--commit=false"); code != 0 {
		t.Fatalf("first sync: exit %d", code)
	}
	before := tg.uidls(t)
	asked := map[string]bool{}
	for round := range 2 {
		h.markSome(rng, 3, asked)
		tg.deliver(100 + round) // the committing sync has a header to fetch too
		srv.SetFaults(pop3test.Faults{StallOn: "QUIT"})
		srv.ResetLog()
		cmd := h.start("sync")
		for deadline := time.Now().Add(20 * time.Second); !slices.Contains(srv.Commands(), "QUIT"); time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				kill(cmd)
				t.Fatalf("round %d: popterm never reached QUIT: %v", round, srv.Commands())
			}
		}
		if !slices.Contains(srv.Commands(), "DELE") {
			t.Fatalf("round %d: QUIT without DELE: %v", round, srv.Commands())
		}
		if !kill(cmd) {
			t.Fatalf("round %d: popterm ended before the kill", round)
		}
		srv.SetFaults(pop3test.Faults{})
		// The killed session holds the maildrop until the server reads the
		// client's end of the connection; a login before that is refused
		// with [IN-USE], as a real server would.
		for deadline := time.Now().Add(10 * time.Second); md.Locked(); time.Sleep(10 * time.Millisecond) {
			if time.Now().After(deadline) {
				t.Fatalf("round %d: the killed session still holds the maildrop", round)
			}
		}
		before = append(before, fmt.Sprintf("k%d", 100+round))
		if got := tg.uidls(t); len(got) != len(before) {
			t.Fatalf("round %d: a session without QUIT deleted mail: %d on the server, want %d", round, len(got), len(before))
		}
		h.verifyAfterKill(tg, before, asked)
	}
	h.commitDeletesOnlyMarked(tg, before, asked)
}

// TestKillWhileMailArrivesDovecot: Dovecot delivers new mail while popterm
// syncs (committing its marks every other run), and popterm is killed at a
// random point; after each kill the store is consistent and exact.
func TestKillWhileMailArrivesDovecot(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary against Dovecot")
	}
	dc := dovecottest.Start(t)
	var mu sync.Mutex
	next := 0
	deliver := func(int) {
		mu.Lock()
		next++
		i := next
		mu.Unlock()
		dc.Deliver(dc.User, killMail(i).Data)
	}
	for range 60 {
		deliver(0)
	}
	tg := killTarget{dc.Addr(), dc.User, dc.Password, deliver}
	h := newKillHarness(t, tg)
	seed := uint64(time.Now().UnixNano())
	t.Logf("seed %d", seed)
	rng := rand.New(rand.NewPCG(seed, 3))
	asked := map[string]bool{}
	killed := 0
	bound := 400 * time.Millisecond
	for run := range 4 {
		before := tg.uidls(t)
		if run%2 == 1 {
			h.markSome(rng, 2, asked)
		}
		args := []string{"sync", "--commit=false"}
		if run%2 == 1 {
			args = []string{"sync"} // DELE and QUIT may be cut too
		}
		stop := make(chan struct{})
		var wg sync.WaitGroup
		wg.Add(1)
		go func() { // new mail arrives throughout the sync
			defer wg.Done()
			for {
				select {
				case <-stop:
					return
				case <-time.After(5 * time.Millisecond):
					deliver(0)
				}
			}
		}()
		start := time.Now()
		cmd := h.start(args...)
		time.Sleep(time.Duration(rng.Int64N(int64(bound))))
		if kill(cmd) {
			killed++
		} else {
			bound = time.Since(start)
		}
		close(stop)
		wg.Wait()
		h.verifyAfterKill(tg, before, asked)
	}
	if killed == 0 {
		t.Fatal("no sync was killed before it ended")
	}
	h.commitDeletesOnlyMarked(tg, tg.uidls(t), asked)
	t.Logf("%d runs killed, %d messages delivered, %d marked", killed, next, len(asked))
}

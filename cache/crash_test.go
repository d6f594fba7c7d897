package cache

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// crashEnv names the store folder when the test binary runs as the crash
// helper.
const crashEnv = "POPTERM_CACHE_CRASH_HELPER"

// crashBody is the deterministic content stored for a UIDL, with CRLF line
// ends as on the wire; its size varies up to about 300 KB so that kills land
// inside writes.
func crashBody(uidl string) string {
	var b strings.Builder
	b.WriteString(string(crashHeader(uidl)))
	b.WriteString("\r\n")
	n := 0
	for _, c := range uidl {
		n = n*31 + int(c)
	}
	for i := range n % 4000 {
		fmt.Fprintf(&b, "line %d of %s, padding padding padding padding\r\n", i, uidl)
	}
	return b.String()
}

func crashHeader(uidl string) []byte {
	return []byte("Subject: crash " + uidl + "\r\nMessage-ID: <" + uidl + "@crash.example>\r\n")
}

func lfOnly(s string) string { return strings.ReplaceAll(s, "\r\n", "\n") }

// TestMain runs the crash helper instead of the tests when asked to.
func TestMain(m *testing.M) {
	if dir := os.Getenv(crashEnv); dir != "" {
		if err := crashHelper(dir); err != nil {
			fmt.Fprintln(os.Stderr, "crash helper:", err)
			os.Exit(1)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

// crashHelper writes bodies, flags, removals and additions in a loop until
// it is killed.
func crashHelper(dir string) error {
	s, err := Open(dir, Options{})
	if err != nil {
		return err
	}
	ctx := context.Background()
	fmt.Println("ready")
	rng := rand.New(rand.NewPCG(uint64(os.Getpid()), uint64(time.Now().UnixNano())))
	for n := 0; ; n++ {
		all, err := s.All(ctx)
		if err != nil {
			return err
		}
		if len(all) < 20 {
			var add []NewMessage
			for i := range 20 {
				u := fmt.Sprintf("p%d-n%d-%d", os.Getpid(), n, i)
				add = append(add, NewMessage{UIDL: u, Size: int64(len(crashBody(u))), Header: crashHeader(u)})
			}
			if _, err := s.Add(ctx, add); err != nil {
				return err
			}
			continue
		}
		m := all[rng.IntN(len(all))]
		ids := []int64{m.ID}
		switch op := rng.IntN(10); {
		case op < 3:
			err = s.SaveBody(ctx, m.ID, strings.NewReader(crashBody(m.UIDL)))
			if err == nil {
				fmt.Printf("stored %d\n", m.ID)
			}
		case op < 5:
			err = crashBatch(ctx, s, all, rng)
		case op < 7:
			err = s.MarkSeen(ctx, ids, !m.Seen)
		case op < 9:
			err = s.MarkDeleted(ctx, ids, !m.Deleted)
		default:
			fmt.Printf("removing %d\n", m.ID)
			err = s.Remove(ctx, ids)
		}
		if err != nil {
			return err
		}
	}
}

// crashBatch stores a few bodies with group commit, printing the IDs of
// each batch once it is committed, and indexes some bodies for search.
func crashBatch(ctx context.Context, s *Store, all []Message, rng *rand.Rand) error {
	b, err := s.NewBatch(ctx, func(ids []int64) {
		for _, id := range ids {
			fmt.Printf("stored %d\n", id)
		}
	})
	if err != nil {
		return err
	}
	for range 1 + rng.IntN(8) {
		m := all[rng.IntN(len(all))]
		if err := b.Save(m.ID, strings.NewReader(crashBody(m.UIDL))); err != nil {
			b.Close()
			return err
		}
	}
	if _, err := b.Close(); err != nil {
		return err
	}
	_, err = s.IndexBodies(ctx, 3)
	return err
}

// reportedStored reads the helper's output until it ends and returns the IDs
// whose last report was "stored".
func reportedStored(r io.Reader) map[int64]bool {
	stored := make(map[int64]bool)
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		var id int64
		if _, err := fmt.Sscanf(sc.Text(), "stored %d", &id); err == nil {
			stored[id] = true
		} else if _, err := fmt.Sscanf(sc.Text(), "removing %d", &id); err == nil {
			delete(stored, id)
		}
	}
	return stored
}

// TestCrashConsistency kills a process writing to the store at random
// instants, many times, and checks after each kill that every row claiming
// a body has its complete file, and that once Open has finished the
// interrupted work, Check finds nothing wrong and nothing in lost+found.
func TestCrashConsistency(t *testing.T) {
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	rounds := 20
	if n := os.Getenv("POPTERM_CRASH_ROUNDS"); n != "" {
		fmt.Sscan(n, &rounds) // more for a long run
	}
	if testing.Short() {
		rounds = 5
	}
	dir := filepath.Join(t.TempDir(), "acct")
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	rng := rand.New(rand.NewPCG(1, 2))
	var stats struct{ adopted, drift, unfinished, tmp, cached int }
	for round := range rounds {
		cmd := exec.Command(exe, "-test.run=^$")
		cmd.Env = append(os.Environ(), crashEnv+"="+dir)
		out, err := cmd.StdoutPipe()
		if err != nil {
			t.Fatal(err)
		}
		var stderr strings.Builder
		cmd.Stderr = &stderr
		if err := cmd.Start(); err != nil {
			t.Fatal(err)
		}
		br := bufio.NewReader(out)
		line, _ := br.ReadString('\n')
		if line != "ready\n" {
			cmd.Wait()
			t.Fatalf("round %d: helper did not start: %q %s", round, line, stderr.String())
		}
		reported := make(chan map[int64]bool, 1)
		go func() { reported <- reportedStored(br) }()
		time.Sleep(time.Duration(rng.IntN(300)) * time.Millisecond)
		cmd.Process.Kill() // SIGKILL on Unix
		stored := <-reported
		cmd.Wait()
		if strings.TrimSpace(stderr.String()) != "" {
			t.Fatalf("round %d: helper failed: %s", round, stderr.String())
		}

		// Before any repair: every row claiming a body has all of it.
		ro, err := Open(dir, Options{ReadOnly: true})
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		ctx := context.Background()
		all, err := ro.All(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range all {
			if stored[m.ID] && !m.Cached {
				t.Fatalf("round %d: message %d was reported stored and is not", round, m.ID)
			}
			delete(stored, m.ID)
			if !m.Cached {
				continue
			}
			stats.cached++
			rc, err := ro.OpenBody(m.ID)
			if err != nil {
				t.Fatalf("round %d: message %d claims a body: %v", round, m.ID, err)
			}
			b, _ := io.ReadAll(rc)
			rc.Close()
			if string(b) != lfOnly(crashBody(m.UIDL)) {
				t.Fatalf("round %d: message %d: body of %d bytes, want %d", round, m.ID, len(b), len(lfOnly(crashBody(m.UIDL))))
			}
		}
		ro.Close()
		for id := range stored {
			t.Fatalf("round %d: message %d was reported stored and is gone", round, id)
		}

		s, err := Open(dir, Options{}) // the kill released the lock
		if err != nil {
			t.Fatalf("round %d: %v", round, err)
		}
		// Open finished what the kill interrupted: Check finds nothing.
		for _, r := range s.Recovered() {
			switch {
			case strings.Contains(r, "adopted"):
				stats.adopted++ // killed between rename and index update
			case strings.Contains(r, "renamed"):
				stats.drift++ // killed between index update and rename
			case strings.Contains(r, "left over from a committed deletion"):
				stats.unfinished++ // killed between removal and unlink
			case strings.Contains(r, "removed tmp/"):
				stats.tmp++ // killed while writing a body
			default:
				t.Errorf("round %d: unexpected recovery: %s", round, r)
			}
		}
		if rep := mustCheck(t, s, false); !rep.OK() {
			t.Fatalf("round %d: problems after a kill and Open: %v (recovered: %v)", round, rep.Problems, s.Recovered())
		}
		if _, err := os.Stat(s.path(lostFoundName)); err == nil {
			t.Fatalf("round %d: Check sent files to lost+found", round)
		}
		s.Close()
	}
	t.Logf("%d rounds: %d bodies verified; Open adopted %d unrecorded bodies, renamed %d files with stale flags, finished %d removals, removed %d unfinished downloads",
		rounds, stats.cached, stats.adopted, stats.drift, stats.unfinished, stats.tmp)
}

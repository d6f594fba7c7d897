package cache

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// storedStore makes a store of n messages with bodies, the second seen and
// flagged, the third marked for deletion, and closes it; it returns the
// folder and each message's body.
func storedStore(t *testing.T, n int) (string, map[string]string) {
	t.Helper()
	s := openTest(t)
	ctx := context.Background()
	bodies := make(map[string]string)
	var msgs []NewMessage
	for i := range n {
		msgs = append(msgs, simple(i, fmt.Sprintf("subject %d", i)))
	}
	ids := addTest(t, s, msgs...)
	for i, id := range ids {
		body := string(msgs[i].Header) + "\n" + strings.Repeat(fmt.Sprintf("body line of message zeta%d\n", i), 40)
		if err := s.SaveBody(ctx, id, strings.NewReader(body)); err != nil {
			t.Fatal(err)
		}
		bodies[fmt.Sprintf("subject %d", i)] = body
	}
	s.MarkSeen(ctx, ids[1:2], true)
	s.MarkFlagged(ctx, ids[1:2], true)
	s.MarkDeleted(ctx, ids[2:3], true)
	dir := s.Dir()
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	return dir, bodies
}

func TestDamagedIndex(t *testing.T) {
	for _, tc := range []struct {
		name   string
		damage func(t *testing.T, p string)
	}{
		{"deleted", func(t *testing.T, p string) { os.Remove(p) }},
		{"empty", func(t *testing.T, p string) { os.WriteFile(p, nil, 0o600) }},
		{"garbage", func(t *testing.T, p string) {
			os.WriteFile(p, []byte(strings.Repeat("not a database\n", 500)), 0o600)
		}},
		{"truncated", func(t *testing.T, p string) {
			st, err := os.Stat(p)
			if err != nil {
				t.Fatal(err)
			}
			os.Truncate(p, st.Size()/3)
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			dir, bodies := storedStore(t, 60)
			index := filepath.Join(dir, indexName)
			tc.damage(t, index)
			for _, ro := range []bool{false, true} {
				_, err := Open(dir, Options{ReadOnly: ro})
				if !errors.Is(err, ErrDamaged) || !strings.Contains(err.Error(), "popterm check --repair") {
					t.Fatalf("Open(read-only %v) of a %s index: %v, want ErrDamaged saying to run popterm check --repair", ro, tc.name, err)
				}
			}
			rep, err := RepairIndex(dir)
			if err != nil || !rep.Rebuilt || rep.Messages != 60 {
				t.Fatalf("RepairIndex: %+v, %v", rep, err)
			}
			if tc.name != "deleted" {
				if _, err := os.Stat(rep.Kept); err != nil || !strings.Contains(rep.Kept, ".damaged-") {
					t.Errorf("damaged index not kept aside: %q, %v", rep.Kept, err)
				}
			}
			s, err := Open(dir, Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer s.Close()
			ctx := context.Background()
			all, err := s.All(ctx)
			if err != nil || len(all) != 60 {
				t.Fatalf("after the rebuild: %d rows, %v", len(all), err)
			}
			for _, m := range all {
				want, ok := bodies[m.Subject]
				if !ok || !m.Cached || !strings.HasPrefix(m.UIDL, rebuiltPrefix) {
					t.Fatalf("rebuilt row %+v", m)
				}
				if got := readBody(t, s, m.ID); got != want {
					t.Errorf("message %q: body differs after the rebuild", m.Subject)
				}
				if m.Size != int64(len(want)+strings.Count(want, "\n")) {
					t.Errorf("message %q: size %d, want the CRLF size %d", m.Subject, m.Size, len(want)+strings.Count(want, "\n"))
				}
				if got := m.Seen && m.Flagged; got != (m.Subject == "subject 1") {
					t.Errorf("message %q: seen %v flagged %v", m.Subject, m.Seen, m.Flagged)
				}
				if m.Deleted {
					t.Errorf("message %q: a deletion mark came back from a file name", m.Subject)
				}
			}
			if _, err := s.IndexBodies(ctx, 1000); err != nil {
				t.Fatal(err)
			}
			if got, _ := s.List(ctx, Query{Search: "zeta7 line"}); len(got) != 1 {
				t.Errorf("search after the rebuild found %d, want 1", len(got))
			}
			if rep := mustCheck(t, s, false); !rep.OK() {
				t.Errorf("check after the rebuild: %v", rep.Problems)
			}
			if _, err := os.Stat(filepath.Join(dir, lostFoundName)); err == nil {
				t.Error("mail was moved to lost+found")
			}
			// Once healthy, RepairIndex does nothing.
			s.Close()
			if rep, err := RepairIndex(dir); err != nil || rep.Rebuilt {
				t.Errorf("RepairIndex of a healthy index: %+v, %v", rep, err)
			}
		})
	}
}

func TestNewStoreIsNotDamaged(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "acct")
	if _, err := Open(dir, Options{ReadOnly: true}); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("read-only Open of no store: %v, want ErrNotExist", err)
	}
	os.MkdirAll(dir, 0o700)
	os.WriteFile(filepath.Join(dir, indexName), nil, 0o600) // empty, and no mail
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatalf("Open of an empty index without mail: %v", err)
	}
	s.Close()
}

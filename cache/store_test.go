package cache

import (
	"context"
	"database/sql"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestOpenLayout(t *testing.T) {
	s := openTest(t)
	for _, d := range []string{"", "Maildir", "Maildir/tmp", "Maildir/new", "Maildir/cur"} {
		st, err := os.Stat(filepath.Join(s.Dir(), d))
		if err != nil {
			t.Fatal(err)
		}
		if !st.IsDir() {
			t.Errorf("%s is not a folder", d)
		}
	}
	for _, f := range []string{"index.db", "lock"} {
		if _, err := os.Stat(filepath.Join(s.Dir(), f)); err != nil {
			t.Error(err)
		}
	}
}

func TestLock(t *testing.T) {
	s := openTest(t)
	_, err := Open(s.Dir(), Options{})
	if !errors.Is(err, ErrLocked) {
		t.Fatalf("second Open: %v, want ErrLocked", err)
	}
	if want := "account acct is in use by another popterm process"; !strings.Contains(err.Error(), want) {
		t.Errorf("error %q does not say %q", err, want)
	}
	if !strings.Contains(err.Error(), "(pid ") {
		t.Errorf("error %q does not name the holder's pid", err)
	}

	// A second instance can read.
	addTest(t, s, simple(1, "first"))
	r, err := Open(s.Dir(), Options{ReadOnly: true})
	if err != nil {
		t.Fatalf("read-only Open while locked: %v", err)
	}
	defer r.Close()
	if !r.ReadOnly() {
		t.Error("ReadOnly() false for a read-only store")
	}
	got, err := r.List(context.Background(), Query{})
	if err != nil || len(got) != 1 {
		t.Fatalf("read-only List: %v, %v", got, err)
	}
	ctx := context.Background()
	writes := map[string]error{
		"Add":         func() error { _, err := r.Add(ctx, []NewMessage{simple(2, "x")}); return err }(),
		"SaveBody":    r.SaveBody(ctx, 1, strings.NewReader("x")),
		"MarkSeen":    r.MarkSeen(ctx, []int64{1}, true),
		"MarkDeleted": r.MarkDeleted(ctx, []int64{1}, true),
		"Remove":      r.Remove(ctx, []int64{1}),
		"SetOnServer": r.SetOnServer(ctx, []int64{1}, false),
		"SetUIDL":     r.SetUIDL(ctx, 1, "new", 0),
		"SetMeta":     r.SetMeta("k", "v"),
		"Check":       func() error { _, err := r.Check(ctx, true); return err }(),
	}
	for name, err := range writes {
		if !errors.Is(err, ErrReadOnly) {
			t.Errorf("read-only %s: %v, want ErrReadOnly", name, err)
		}
	}
	if rep, err := r.Check(ctx, false); err != nil || !rep.OK() {
		t.Errorf("read-only Check: %+v, %v", rep, err)
	}

	// Closing releases the lock.
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	s2, err := Open(s.Dir(), Options{})
	if err != nil {
		t.Fatalf("Open after Close: %v", err)
	}
	s2.Close()
}

func TestReadOnlyNeedsStore(t *testing.T) {
	_, err := Open(filepath.Join(t.TempDir(), "none"), Options{ReadOnly: true})
	if err == nil || !strings.Contains(err.Error(), "never been synced") {
		t.Fatalf("read-only Open of a missing store: %v", err)
	}
}

func TestMigrations(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	addTest(t, s, simple(1, "kept across versions"))
	dir := s.Dir()
	s.Close()

	// A fake version 2 step runs once, on top of version 1, keeping data.
	db, err := sql.Open("sqlite", dsn(filepath.Join(dir, indexName), false))
	if err != nil {
		t.Fatal(err)
	}
	runs := 0
	v2 := func(ctx context.Context, tx *sql.Tx) error {
		runs++
		_, err := tx.ExecContext(ctx, `ALTER TABLE messages ADD COLUMN label TEXT NOT NULL DEFAULT ''`)
		return err
	}
	steps := append(migrations(), v2)
	for range 2 {
		if err := migrate(ctx, db, steps); err != nil {
			t.Fatal(err)
		}
	}
	if runs != 1 {
		t.Errorf("v2 step ran %d times, want 1", runs)
	}
	if v, err := schemaVersion(ctx, db); err != nil || v != len(steps) {
		t.Errorf("version %d, %v; want %d", v, err, len(steps))
	}
	var label string
	if err := db.QueryRow(`SELECT label FROM messages WHERE id = 1`).Scan(&label); err != nil {
		t.Errorf("row lost or column missing after v2: %v", err)
	}
	// A failing step leaves the version alone.
	bad := append(steps, func(context.Context, *sql.Tx) error { return errors.New("boom") })
	if err := migrate(ctx, db, bad); err == nil || !strings.Contains(err.Error(), "version "+itoa(len(bad))) {
		t.Errorf("failing step: %v", err)
	}
	if v, _ := schemaVersion(ctx, db); v != len(steps) {
		t.Errorf("version %d after a failed step, want %d", v, len(steps))
	}
	db.Close()

	// This popterm knows only version 1: it refuses the newer index.
	if _, err := Open(dir, Options{}); err == nil || !strings.Contains(err.Error(), "newer popterm") {
		t.Errorf("Open of a newer schema: %v", err)
	}
	if _, err := Open(dir, Options{ReadOnly: true}); err == nil {
		t.Error("read-only Open of a newer schema succeeded")
	}
}

func TestReopenKeepsData(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	id := addTest(t, s, simple(1, "persist"))[0]
	if err := s.SaveBody(ctx, id, strings.NewReader("Subject: persist\r\n\r\nbody\r\n")); err != nil {
		t.Fatal(err)
	}
	if err := s.SetMeta("last_sync", "2024-05-01T00:00:00Z"); err != nil {
		t.Fatal(err)
	}
	dir := s.Dir()
	s.Close()
	s2, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	m, err := s2.Get(id)
	if err != nil || !m.Cached || m.Subject != "persist" {
		t.Fatalf("after reopen: %+v, %v", m, err)
	}
	if v, _ := s2.Meta("last_sync"); v != "2024-05-01T00:00:00Z" {
		t.Errorf("meta after reopen: %q", v)
	}
	var v int
	s2.db.QueryRow(`SELECT max(version) FROM schema_version`).Scan(&v)
	if v != len(migrations()) {
		t.Errorf("schema version %d, want %d", v, len(migrations()))
	}
}

func TestMeta(t *testing.T) {
	s := openTest(t)
	if v, err := s.Meta("missing"); err != nil || v != "" {
		t.Errorf("missing key: %q, %v", v, err)
	}
	for _, v := range []string{"one", "two"} {
		if err := s.SetMeta("k", v); err != nil {
			t.Fatal(err)
		}
		if got, err := s.Meta("k"); err != nil || got != v {
			t.Errorf("Meta = %q, %v; want %q", got, err, v)
		}
	}
}

func TestDSN(t *testing.T) {
	for _, tc := range []struct{ path, want string }{
		{"/a/b/index.db", "file:///a/b/index.db?"},
		{"/we?ird#dir%/index.db", "file:///we%3fird%23dir%25/index.db?"},
		{`C:\Users\x\index.db`, "file:///C:"},
	} {
		got := dsn(tc.path, false)
		if filepath.Separator == '/' && strings.Contains(tc.path, `\`) {
			continue // a Windows path means nothing here
		}
		if !strings.HasPrefix(got, tc.want) {
			t.Errorf("dsn(%q) = %q, want prefix %q", tc.path, got, tc.want)
		}
		for _, p := range []string{"journal_mode(WAL)", "synchronous(FULL)", "busy_timeout(5000)", "foreign_keys(1)"} {
			if !strings.Contains(got, p) {
				t.Errorf("dsn lacks %s", p)
			}
		}
	}
	// The odd folder name really opens.
	dir := filepath.Join(t.TempDir(), "we?ird#dir%")
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	if _, err := os.Stat(filepath.Join(dir, indexName)); err != nil {
		t.Error(err)
	}
}

func TestLockWait(t *testing.T) {
	s := openTest(t)
	if _, err := Open(s.Dir(), Options{LockWait: 3 * lockPoll}); !errors.Is(err, ErrLocked) {
		t.Fatalf("Open while held, after a short wait: %v, want ErrLocked", err)
	}
	released := make(chan struct{})
	go func() {
		time.Sleep(5 * lockPoll)
		s.Close()
		close(released)
	}()
	s2, err := Open(s.Dir(), Options{LockWait: time.Minute})
	if err != nil {
		t.Fatalf("Open waiting for a lock being released: %v", err)
	}
	<-released
	s2.Close()
}

// TestMigrateV1Store opens a store written with schema version 1 (search
// text stored in the FTS table) and checks that the upgrade keeps every row,
// flag and body, finds messages by header at once and by body once the body
// indexer has run.
func TestMigrateV1Store(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "acct")
	s := openTest(t)
	s.Close()
	// Build a version 1 index as the previous popterm wrote it.
	os.MkdirAll(filepath.Join(dir, maildirName, "cur"), 0o700)
	for _, sub := range []string{"tmp", "new"} {
		os.MkdirAll(filepath.Join(dir, maildirName, sub), 0o700)
	}
	const unique = "1700000000.1_0123456789abcdef.host"
	body := "Subject: old report\n\nthe quarterly numbers\n"
	if err := os.WriteFile(filepath.Join(dir, maildirName, "cur", unique+":2,S"), []byte(body), 0o600); err != nil {
		t.Fatal(err)
	}
	execIndex(t, dir, migrations()[:1],
		`INSERT INTO messages (id, uidl, size, from_addr, subject, sort_key, header_hash, file, file_size, cached, seen, first_seen)
			VALUES (1, 'u1', 40, 'alice@example.org', 'old report', 1, 'h1', '`+unique+`', 40, 1, 1, 1)`,
		`INSERT INTO messages (id, uidl, size, from_addr, subject, sort_key, header_hash, first_seen)
			VALUES (2, 'u2', 40, 'bob@example.org', 'headers only', 2, 'h2', 2)`,
		`INSERT INTO search (rowid, subject, addrs, body) VALUES (1, 'old report', 'alice@example.org', 'the quarterly numbers')`,
		`INSERT INTO search (rowid, subject, addrs, body) VALUES (2, 'headers only', 'bob@example.org', '')`)

	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	all, err := s.All(ctx)
	if err != nil || len(all) != 2 || !all[0].Cached || !all[0].Seen || all[1].Cached {
		t.Fatalf("rows after the upgrade: %+v, %v", all, err)
	}
	if got, _ := s.List(ctx, Query{Search: "bob"}); len(got) != 1 {
		t.Errorf("header search after the upgrade: %d found, want 1", len(got))
	}
	if n, _ := s.UnindexedBodies(ctx); n != 1 {
		t.Errorf("%d bodies to index after the upgrade, want 1", n)
	}
	if _, err := s.IndexBodies(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.List(ctx, Query{Search: "quarterly"}); len(got) != 1 || got[0].ID != 1 {
		t.Errorf("body search once indexed: %v", ids(got))
	}
	if n, _ := s.UnindexedBodies(ctx); n != 0 {
		t.Errorf("%d bodies still to index", n)
	}
	if rep := mustCheck(t, s, false); !rep.OK() {
		t.Errorf("check after the upgrade: %v", rep.Problems)
	}
}

package cache

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"
)

// fileOf returns the path of a cached message's file.
func fileOf(t testing.TB, s *Store, id int64) string {
	t.Helper()
	var unique string
	var f flags
	err := s.db.QueryRow(`SELECT file, seen, deleted, flagged, answered FROM messages WHERE id = ?`, id).
		Scan(&unique, &f.seen, &f.deleted, &f.flagged, &f.answered)
	if err != nil || unique == "" {
		t.Fatalf("message %d has no file: %v", id, err)
	}
	return s.curPath(unique, f)
}

func mustCheck(t testing.TB, s *Store, repair bool) CheckReport {
	t.Helper()
	rep, err := s.Check(context.Background(), repair)
	if err != nil {
		t.Fatalf("Check(%v): %v", repair, err)
	}
	return rep
}

func contains(list []string, sub string) bool {
	return slices.ContainsFunc(list, func(s string) bool { return strings.Contains(s, sub) })
}

func TestCheckClean(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	got := addTest(t, s, simple(1, "a"), simple(2, "b"))
	if err := s.SaveBody(ctx, got[0], strings.NewReader("Subject: a\n\nbody\n")); err != nil {
		t.Fatal(err)
	}
	s.MarkSeen(ctx, got, true)
	if rep := mustCheck(t, s, true); !rep.OK() || len(rep.Repaired) != 0 {
		t.Errorf("clean store: %+v", rep)
	}
}

func TestCheckRepairs(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	var msgs []NewMessage
	for i := range 8 {
		msgs = append(msgs, simple(i, "check"))
	}
	id := addTest(t, s, msgs...)
	body := func(i int) string {
		return string(msgs[i].Header) + "\nbody of message " + itoa(i) + "\n"
	}
	for i := range 6 {
		if err := s.SaveBody(ctx, id[i], strings.NewReader(body(i))); err != nil {
			t.Fatal(err)
		}
	}
	// 0: file deleted behind popterm's back.
	os.Remove(fileOf(t, s, id[0]))
	// 1: file truncated.
	short := fileOf(t, s, id[1])
	os.Truncate(short, 10)
	// 2: flags drifted (a crash between index update and rename).
	s.db.Exec(`UPDATE messages SET seen = 1, flagged = 1 WHERE id = ?`, id[2])
	// 3: a body renamed into cur/ whose index update was lost.
	f3 := fileOf(t, s, id[3])
	s.db.Exec(`UPDATE messages SET cached = 0, file = '', file_size = 0 WHERE id = ?`, id[3])
	// 4: a removal interrupted before the file was unlinked.
	f4 := fileOf(t, s, id[4])
	s.db.Exec(`INSERT INTO removed_files (file) SELECT file FROM messages WHERE id = ?`, id[4])
	s.db.Exec(`DELETE FROM messages WHERE id = ?`, id[4])
	s.db.Exec(`DELETE FROM search WHERE rowid = ?`, id[4])
	// 5: stored with the header of another message: not adoptable.
	f5 := fileOf(t, s, id[5])
	s.db.Exec(`UPDATE messages SET cached = 0, file = '', file_size = 0 WHERE id = ?`, id[5])
	os.WriteFile(f5, []byte("Subject: something else\n\nother\n"), 0o600)
	// A foreign file in new/ and one in cur/.
	foreign := s.path(maildirName, "new", "1700000000.M1P2.otherhost")
	os.WriteFile(foreign, []byte("Subject: delivered elsewhere\n\nhi\n"), 0o600)
	os.WriteFile(s.path(maildirName, "cur", "x:2,S"), []byte("Subject: x\n\n"), 0o600)
	// Stale and fresh tmp files.
	stale := s.path(maildirName, "tmp", "stale")
	os.WriteFile(stale, []byte("partial"), 0o600)
	old := time.Now().Add(-40 * time.Hour)
	os.Chtimes(stale, old, old)
	fresh := s.path(maildirName, "tmp", "fresh")
	os.WriteFile(fresh, []byte("partial"), 0o600)
	// The search index lost a row and kept one of a removed message.
	s.db.Exec(`DELETE FROM search WHERE rowid = ?`, id[6])
	s.db.Exec(`INSERT INTO search (rowid, subject, addrs, cjk) VALUES (9999, 'ghost', '', '')`)

	// Check without repair changes nothing.
	before := curFiles(t, s)
	rep := mustCheck(t, s, false)
	if len(rep.Repaired) != 0 || !slices.Equal(before, curFiles(t, s)) {
		t.Fatalf("Check(false) changed things: %+v", rep)
	}
	wantProblems := []string{
		"message " + itoa(int(id[0])) + ": marked downloaded, but its file",
		"message " + itoa(int(id[1])) + ": file " + filepath.Base(short) + " is short",
		"message " + itoa(int(id[2])) + ": file",
		"message " + itoa(int(id[3])) + ": file " + filepath.Base(f3) + " is stored but not recorded",
		"file " + filepath.Base(f4) + " belongs to a removed message",
		"file " + filepath.Base(f5) + " matches no message",
		"file 1700000000.M1P2.otherhost matches no message",
		"file x:2,S matches no message",
		"tmp/stale: unfinished download",
		"search index: 1 messages missing, 1 left over",
	}
	if infoSep != ":" {
		wantProblems = slices.DeleteFunc(wantProblems, func(s string) bool { return strings.Contains(s, "x:2,S") })
	}
	for _, p := range wantProblems {
		if !contains(rep.Problems, p) {
			t.Errorf("problem %q not reported; got:\n%s", p, strings.Join(rep.Problems, "\n"))
		}
	}
	if contains(rep.Problems, "fresh") {
		t.Error("a fresh tmp file was reported")
	}

	if !slices.Equal(rep.Unrepaired, rep.Problems) {
		t.Errorf("without repair, Unrepaired %q differs from Problems", rep.Unrepaired)
	}
	rep = mustCheck(t, s, true)
	if len(rep.Repaired) == 0 {
		t.Fatal("nothing repaired")
	}
	if len(rep.Unrepaired) != 0 {
		t.Errorf("left unrepaired: %q", rep.Unrepaired)
	}
	if again := mustCheck(t, s, false); !again.OK() {
		t.Fatalf("problems left after repair:\n%s\nrepairs were:\n%s", strings.Join(again.Problems, "\n"), strings.Join(rep.Repaired, "\n"))
	}
	for i, wantCached := range []bool{false, false, true, true} {
		m, err := s.Get(id[i])
		if err != nil || m.Cached != wantCached {
			t.Errorf("message %d: cached=%v, want %v (%v)", i, m.Cached, wantCached, err)
		}
	}
	if got := readBody(t, s, id[3]); got != body(3) {
		t.Errorf("adopted body %q", got)
	}
	if n, err := s.UnindexedBodies(ctx); err != nil || n == 0 {
		t.Errorf("after adopting a body: %d bodies to index (%v), want some", n, err)
	}
	if _, err := s.IndexBodies(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.List(ctx, Query{Search: "message 3"}); len(got) != 1 {
		t.Error("adopted body not searchable once indexed")
	}
	if got, _ := s.List(ctx, Query{Search: "check"}); len(got) != 7 {
		t.Errorf("search finds %d of 7 messages after repair", len(got))
	}
	if !strings.HasSuffix(fileOf(t, s, id[2]), infoSep+"2,FS") {
		t.Errorf("flags not repaired: %s", fileOf(t, s, id[2]))
	}
	if _, err := os.Stat(f4); !os.IsNotExist(err) {
		t.Error("leftover of a removal still there")
	}
	lost, _ := os.ReadDir(s.path(lostFoundName))
	var names []string
	for _, e := range lost {
		names = append(names, e.Name())
	}
	for _, n := range []string{filepath.Base(short), filepath.Base(f5), "1700000000.M1P2.otherhost"} {
		if !slices.Contains(names, n) {
			t.Errorf("%s not moved to lost+found (has %v)", n, names)
		}
	}
	if st, err := os.Stat(s.path(lostFoundName)); err != nil || st.Mode().Perm() != 0o700 {
		t.Errorf("lost+found mode: %v, %v", st, err)
	}
	if _, err := os.Stat(stale); !os.IsNotExist(err) {
		t.Error("stale tmp file kept")
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Error("fresh tmp file removed")
	}
	var tombs int
	s.db.QueryRow(`SELECT count(*) FROM removed_files`).Scan(&tombs)
	if tombs != 0 {
		t.Errorf("%d tombstones left", tombs)
	}
}

func TestCheckLostFoundNameClash(t *testing.T) {
	s := openTest(t)
	for range 2 {
		os.WriteFile(s.path(maildirName, "new", "same"), []byte("x"), 0o600)
		mustCheck(t, s, true)
	}
	for _, n := range []string{"same", "same.1"} {
		if _, err := os.Stat(filepath.Join(s.path(lostFoundName), n)); err != nil {
			t.Errorf("lost+found/%s: %v", n, err)
		}
	}
}

func TestCheckRebuildsCorruptSearch(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	id := addTest(t, s, simple(1, "rebuild me"))[0]
	s.SaveBody(ctx, id, strings.NewReader("Subject: rebuild me\n\nbody words\n"))
	// Corrupt the FTS index: drop its segment data behind its back.
	if _, err := s.db.Exec(`DELETE FROM search_data WHERE id > 10`); err != nil {
		t.Fatal(err)
	}
	rep, err := s.CheckWith(ctx, CheckOptions{Repair: true, Full: true})
	if err != nil {
		t.Fatal(err)
	}
	if !contains(rep.Problems, "search index") || !contains(rep.Repaired, "rebuilt the search index") || len(rep.Unrepaired) != 0 {
		t.Fatalf("corrupt search index not repaired: %+v", rep)
	}
	if _, err := s.IndexBodies(ctx, 0); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.List(ctx, Query{Search: "words"}); len(got) != 1 {
		t.Error("search does not work after rebuild")
	}
	if rep := mustCheck(t, s, false); !rep.OK() {
		t.Errorf("after rebuild: %+v", rep)
	}
}

func TestCheckReportIsPrintable(t *testing.T) {
	if infoSep != ":" {
		t.Skip("control characters in file names are a Unix matter")
	}
	s := openTest(t)
	name := "evil\x1b]0;title\x07\u202e.txt"
	if err := os.WriteFile(s.path(maildirName, "cur", name), []byte("x"), 0o600); err != nil {
		t.Fatal(err)
	}
	rep := mustCheck(t, s, true)
	for _, line := range append(rep.Problems, rep.Repaired...) {
		if printable(line) != line {
			t.Errorf("report line carries control characters: %q", line)
		}
	}
	if !contains(rep.Problems, "evil?]0;title??.txt") {
		t.Errorf("problems %q", rep.Problems)
	}
	if _, err := os.Stat(filepath.Join(s.path(lostFoundName), name)); err != nil {
		t.Errorf("file not kept under its own name in lost+found: %v", err)
	}
}

// TestOpenRecovers simulates a writer killed after renaming a body into cur/
// but before recording it, and after updating flags but before renaming:
// the next Open finishes both.
func TestOpenRecovers(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	got := addTest(t, s, simple(1, "a"), simple(2, "b"))
	for _, id := range got {
		if err := s.SaveBody(ctx, id, strings.NewReader(string(simple(int(id), "x").Header)+"\nbody\n")); err != nil {
			t.Fatal(err)
		}
	}
	dir := s.Dir()
	s.Close()
	if s.Recovered() != nil {
		t.Errorf("fresh store recovered %v", s.Recovered())
	}
	execIndex(t, dir, nil,
		`UPDATE messages SET cached = 0, file = '', file_size = 0 WHERE id = 1`,
		`UPDATE messages SET seen = 1 WHERE id = 2`,
		`INSERT INTO meta (key, value) VALUES ('`+metaOpen+`', '1')`)
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if r := s.Recovered(); len(r) != 2 || !contains(r, "message 1: adopted") || !contains(r, "message 2: renamed") {
		t.Errorf("Recovered() = %q", r)
	}
	if rep := mustCheck(t, s, false); !rep.OK() {
		t.Errorf("after recovery: %v", rep.Problems)
	}
}

// TestCheckAdoptsMovedFile: the row's file is gone, but another file of
// popterm's naming with the same ID and header is there (a restore from a
// backup, say): it is adopted, not reported missing.
func TestCheckAdoptsMovedFile(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	m := simple(1, "moved")
	id := addTest(t, s, m)[0]
	body := string(m.Header) + "\nbody\n"
	if err := s.SaveBody(ctx, id, strings.NewReader(body)); err != nil {
		t.Fatal(err)
	}
	old := fileOf(t, s, id)
	moved := filepath.Join(filepath.Dir(old), "1600000000."+itoa(int(id))+"_0123456789abcdef.elsewhere"+infoSep+"2,")
	if err := os.Rename(old, moved); err != nil {
		t.Fatal(err)
	}
	rep := mustCheck(t, s, false)
	if contains(rep.Problems, "missing") || !contains(rep.Problems, "stored but not recorded") {
		t.Errorf("problems %q", rep.Problems)
	}
	mustCheck(t, s, true)
	if rep := mustCheck(t, s, false); !rep.OK() {
		t.Errorf("after repair: %q", rep.Problems)
	}
	if got := readBody(t, s, id); got != body {
		t.Errorf("body %q", got)
	}
}

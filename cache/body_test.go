package cache

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"testing/iotest"
)

// curFiles lists Maildir/cur.
func curFiles(t testing.TB, s *Store) []string {
	t.Helper()
	var names []string
	for _, sub := range []string{"cur", "new", "tmp"} {
		entries, err := os.ReadDir(s.path(maildirName, sub))
		if err != nil {
			t.Fatal(err)
		}
		for _, e := range entries {
			names = append(names, sub+"/"+e.Name())
		}
	}
	return names
}

func readBody(t testing.TB, s *Store, id int64) string {
	t.Helper()
	rc, err := s.OpenBody(id)
	if err != nil {
		t.Fatalf("OpenBody(%d): %v", id, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestSaveBody(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	id := addTest(t, s, simple(1, "stored"))[0]
	if _, err := s.OpenBody(id); !errors.Is(err, ErrNoBody) {
		t.Fatalf("OpenBody before SaveBody: %v, want ErrNoBody", err)
	}
	if _, err := s.OpenBody(999); !errors.Is(err, ErrNotFound) {
		t.Fatalf("OpenBody(999): %v, want ErrNotFound", err)
	}
	raw := "Subject: stored\r\nFrom: a@b\r\n\r\nline one\r\nbare\rCR\r\n\r\n.dot kept\r\nlast\r"
	// One byte at a time, so CRLF pairs straddle reads.
	if err := s.SaveBody(ctx, id, iotest.OneByteReader(strings.NewReader(raw))); err != nil {
		t.Fatal(err)
	}
	want := "Subject: stored\nFrom: a@b\n\nline one\nbare\rCR\n\n.dot kept\nlast\r"
	if got := readBody(t, s, id); got != want {
		t.Errorf("stored %q, want %q", got, want)
	}
	files := curFiles(t, s)
	if len(files) != 1 {
		t.Fatalf("files %v, want one in cur/", files)
	}
	re := regexp.MustCompile(`^cur/[0-9]+\.` + strconv.FormatInt(id, 10) + `_[0-9a-f]{16}\.[A-Za-z0-9._-]+` + regexp.QuoteMeta(infoSep) + `2,$`)
	if !re.MatchString(files[0]) {
		t.Errorf("file name %q does not look like <unix>.<id>_<random>.<host>:2,", files[0])
	}
	m, _ := s.Get(id)
	if !m.Cached || m.DownloadedAt.IsZero() {
		t.Errorf("row after SaveBody: %+v", m)
	}
	var size int64
	s.db.QueryRow(`SELECT file_size FROM messages WHERE id = ?`, id).Scan(&size)
	if size != int64(len(want)) {
		t.Errorf("file_size %d, want %d", size, len(want))
	}
	if got, _ := s.List(ctx, Query{Search: "dot kept"}); len(got) != 1 {
		t.Error("body text not searchable")
	}
	// A second save of a stored body does not read it.
	if err := s.SaveBody(ctx, id, iotest.ErrReader(errors.New("must not be read"))); err != nil {
		t.Errorf("second SaveBody: %v", err)
	}
	if err := s.SaveBody(ctx, 999, strings.NewReader("x")); !errors.Is(err, ErrNotFound) {
		t.Errorf("SaveBody(999): %v", err)
	}
}

func TestSaveBodyFailureLeavesNothing(t *testing.T) {
	s := openTest(t)
	id := addTest(t, s, simple(1, "fails"))[0]
	cancelled, cancel := context.WithCancel(context.Background())
	cancel()
	for name, tc := range map[string]struct {
		ctx  context.Context
		body io.Reader
	}{
		"read error": {context.Background(), io.MultiReader(strings.NewReader("Subject: x\r\n\r\npartial"), iotest.ErrReader(errors.New("connection reset")))},
		"cancelled":  {cancelled, strings.NewReader("Subject: x\r\n\r\nwhole")},
	} {
		err := s.SaveBody(tc.ctx, id, tc.body)
		if err == nil {
			t.Errorf("%s: SaveBody succeeded", name)
		}
		if files := curFiles(t, s); len(files) != 0 {
			t.Errorf("%s: files left behind: %v", name, files)
		}
		if m, _ := s.Get(id); m.Cached {
			t.Errorf("%s: row claims the body", name)
		}
	}
	if !strings.Contains(s.SaveBody(context.Background(), id, iotest.ErrReader(errors.New("connection reset"))).Error(), "connection reset") {
		t.Error("SaveBody hides the reader's error")
	}
}

func TestFlagsOnFileNames(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	got := addTest(t, s, simple(1, "a"), simple(2, "b"))
	id := got[0]
	if err := s.SaveBody(ctx, id, strings.NewReader("Subject: a\n\nbody\n")); err != nil {
		t.Fatal(err)
	}
	suffix := func() string {
		files := curFiles(t, s)
		if len(files) != 1 {
			t.Fatalf("files %v", files)
		}
		return files[0][strings.Index(files[0], infoSep+"2,")+3:]
	}
	steps := []struct {
		do   func() error
		want string
	}{
		{func() error { return s.MarkSeen(ctx, got, true) }, "S"},
		{func() error { return s.MarkDeleted(ctx, got, true) }, "ST"},
		{func() error { return s.MarkFlagged(ctx, []int64{id}, true) }, "FST"},
		{func() error { return s.MarkAnswered(ctx, []int64{id}, true) }, "FRST"},
		{func() error { return s.MarkSeen(ctx, []int64{id}, true) }, "FRST"}, // no change
		{func() error { return s.MarkSeen(ctx, []int64{id}, false) }, "FRT"},
		{func() error { return s.MarkDeleted(ctx, []int64{id}, false) }, "FR"},
	}
	for i, st := range steps {
		if err := st.do(); err != nil {
			t.Fatalf("step %d: %v", i, err)
		}
		if got := suffix(); got != st.want {
			t.Errorf("step %d: flags %q, want %q", i, got, st.want)
		}
		if body := readBody(t, s, id); body != "Subject: a\n\nbody\n" {
			t.Errorf("step %d: body %q", i, body)
		}
	}
	// The uncached message got its marks too.
	if m, _ := s.Get(got[1]); !m.Seen || !m.Deleted {
		t.Errorf("uncached message: %+v", m)
	}
	st, err := s.Stats(ctx)
	if err != nil || st != (Stats{Total: 2, Unseen: 1, Deleted: 1, Cached: 1}) {
		t.Errorf("Stats = %+v, %v", st, err)
	}
	// A body saved after the marks gets them at once.
	if err := s.SaveBody(ctx, got[1], strings.NewReader("Subject: b\n\nb\n")); err != nil {
		t.Fatal(err)
	}
	if !slicesContainsSuffix(curFiles(t, s), infoSep+"2,ST") {
		t.Errorf("files %v: none with ST", curFiles(t, s))
	}
}

func slicesContainsSuffix(list []string, suffix string) bool {
	for _, s := range list {
		if strings.HasSuffix(s, suffix) {
			return true
		}
	}
	return false
}

func TestOpenBodyToleratesFlagDrift(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	id := addTest(t, s, simple(1, "a"))[0]
	if err := s.SaveBody(ctx, id, strings.NewReader("Subject: a\n\nbody\n")); err != nil {
		t.Fatal(err)
	}
	// Another Maildir tool marks it seen and passed.
	old := filepath.Join(s.path(maildirName), curFiles(t, s)[0])
	if err := os.Rename(old, strings.TrimSuffix(old, "2,")+"2,PS"); err != nil {
		t.Fatal(err)
	}
	if body := readBody(t, s, id); body != "Subject: a\n\nbody\n" {
		t.Errorf("body %q", body)
	}
	if err := s.MarkDeleted(ctx, []int64{id}, true); err != nil {
		t.Fatal(err)
	}
	if f := curFiles(t, s); len(f) != 1 || !strings.HasSuffix(f[0], "2,T") {
		t.Errorf("files %v, want one ending 2,T (the index is the truth)", f)
	}
}

func TestRemove(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	got := addTest(t, s, simple(1, "a"), simple(2, "b"), simple(3, "c"))
	for _, id := range got[:2] {
		if err := s.SaveBody(ctx, id, strings.NewReader("Subject: x\n\nneedle\n")); err != nil {
			t.Fatal(err)
		}
	}
	if err := s.Remove(ctx, got[1:]); err != nil {
		t.Fatal(err)
	}
	for _, id := range got[1:] {
		if _, err := s.Get(id); !errors.Is(err, ErrNotFound) {
			t.Errorf("Get(%d) after Remove: %v", id, err)
		}
	}
	if f := curFiles(t, s); len(f) != 1 {
		t.Errorf("files after Remove: %v", f)
	}
	if l, _ := s.List(ctx, Query{Search: "needle"}); len(l) != 1 || l[0].ID != got[0] {
		t.Errorf("search after Remove: %v", ids(l))
	}
	var n, headers int
	s.db.QueryRow(`SELECT count(*) FROM removed_files`).Scan(&n)
	if n != 0 {
		t.Errorf("%d tombstones left after a clean Remove", n)
	}
	s.db.QueryRow(`SELECT count(*) FROM headers`).Scan(&headers)
	if headers != 1 {
		t.Errorf("%d header blocks left for 1 message", headers)
	}
	if rep, err := s.Check(ctx, false); err != nil || !rep.OK() {
		t.Errorf("Check after Remove: %+v, %v", rep, err)
	}
}

func TestLFWriter(t *testing.T) {
	for _, tc := range []struct{ in, want string }{
		{"", ""},
		{"a\r\nb", "a\nb"},
		{"\r", "\r"},
		{"\r\r\n", "\r\n"},
		{"a\rb", "a\rb"},
		{"\n\r\n\r", "\n\n\r"},
		{"x\r\n\r\n", "x\n\n"},
	} {
		// Every split point of the input into two writes.
		for cut := 0; cut <= len(tc.in); cut++ {
			var out bytes.Buffer
			w := &lfWriter{w: &out}
			w.Write([]byte(tc.in[:cut]))
			w.Write([]byte(tc.in[cut:]))
			if err := w.Flush(); err != nil {
				t.Fatal(err)
			}
			if out.String() != tc.want || w.n != int64(len(tc.want)) {
				t.Errorf("lf(%q) cut %d = %q (n=%d), want %q", tc.in, cut, out.String(), w.n, tc.want)
			}
		}
	}
}

// removingReader removes its message from the store while SaveBody reads it.
type removingReader struct {
	s    *Store
	id   int64
	done bool
	r    io.Reader
}

func (rr *removingReader) Read(p []byte) (int, error) {
	if !rr.done {
		rr.done = true
		if err := rr.s.Remove(context.Background(), []int64{rr.id}); err != nil {
			return 0, err
		}
	}
	return rr.r.Read(p)
}

func TestSaveBodyOfRemovedMessage(t *testing.T) {
	s := openTest(t)
	id := addTest(t, s, simple(1, "gone"))[0]
	err := s.SaveBody(context.Background(), id, &removingReader{s: s, id: id, r: strings.NewReader("Subject: gone\n\nx\n")})
	if !errors.Is(err, ErrNotFound) {
		t.Errorf("SaveBody of a message removed meanwhile: %v, want ErrNotFound", err)
	}
	if f := curFiles(t, s); len(f) != 0 {
		t.Errorf("files left: %v", f)
	}
}

func TestSearchTextBounded(t *testing.T) {
	s := openTest(t)
	id := addTest(t, s, simple(1, "long"))[0]
	long := "Subject: long\nContent-Type: text/plain; charset=utf-8\n\n" + strings.Repeat("가나다라마바사 ", 30000) + "\n끝말잇기\n"
	if err := s.SaveBody(context.Background(), id, strings.NewReader(long)); err != nil {
		t.Fatal(err)
	}
	for search, want := range map[string]int{"가나다라마바사": 1, "나다라": 1, "끝말잇기": 0} {
		if got, err := s.List(context.Background(), Query{Search: search}); err != nil || len(got) != want {
			t.Errorf("search %q: %d found (%v), want %d: the index holds the first %d bytes of text", search, len(got), err, want, maxSearchText)
		}
	}
	if got := readBody(t, s, id); got != long {
		t.Error("the stored file itself must be whole")
	}
}

// TestSearchTextBeforeALargeAttachment: the indexer reads a bounded start of
// each message, so a large attachment after the text costs nothing, and the
// text before it is still found.
func TestSearchTextBeforeALargeAttachment(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	id := addTest(t, s, simple(1, "report"))[0]
	var b strings.Builder
	b.WriteString("Subject: report\nMIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=\"b\"\n\n--b\nContent-Type: text/plain\n\nthe figures are in the attachment\n--b\nContent-Type: application/pdf\nContent-Disposition: attachment; filename=\"r.pdf\"\nContent-Transfer-Encoding: base64\n\n")
	for b.Len() < 2*maxSearchInput {
		b.WriteString("QUJDREVGR0hJSktMTU5PUFFSU1RVVldYWVphYmNkZWZnaGlqa2xtbm9wcXJzdHV2d3h5ejAxMjM0\n")
	}
	b.WriteString("--b--\n")
	if err := s.SaveBody(ctx, id, strings.NewReader(b.String())); err != nil {
		t.Fatal(err)
	}
	if got, _ := s.List(ctx, Query{Search: "figures attachment"}); len(got) != 1 {
		t.Errorf("text before a large attachment not found: %d hits", len(got))
	}
	if m, _ := s.Get(id); !m.HasAttachments {
		t.Error("the attachment was not noticed")
	}
}

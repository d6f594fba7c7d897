package main

import (
	"database/sql"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"github.com/popterm/popterm/mailapi"
	"maps"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode"

	"github.com/charmbracelet/x/ansi"
	"github.com/popterm/popterm/pop3/pop3test"
)

// mailFrom makes a message with a given From and raw Subject field.
func mailFrom(uid, from, subject string) pop3test.Message {
	return pop3test.Message{UID: uid, Data: []byte(fmt.Sprintf(
		"From: %s\nTo: Bob <bob@example.org>\nSubject: %s\nDate: Mon, 02 Jan 2026 15:0%s:05 +0000\n\nbody\n",
		from, subject, uid))}
}

// encoded is s as an RFC 2047 encoded word, so any byte reaches the decoder.
func encoded(s string) string {
	return "=?UTF-8?B?" + base64.StdEncoding.EncodeToString([]byte(s)) + "?="
}

// hostileMails have wide characters and control characters in names and
// subjects; every subject starts with its UIDL so a test can find it.
func hostileMails() []pop3test.Message {
	return []pop3test.Message{
		mailFrom("1", "Alice <alice@example.org>", "1 plain subject"),
		mailFrom("2", encoded("김철수")+" <kim@example.org>", encoded("2 회의 일정 안내 wide")),
		mailFrom("3", encoded("山田太郎さんと一緒に長い名前の人")+" <yamada@example.jp>", encoded("3 会議\x1b[31m red\x1b]0;title\x07 \u009b31m c1\r\n tab\there")),
		mailFrom("4", encoded("\x1b[2Jevil\x00name")+" <e@example.org>", encoded("4 \x7fdel\u202eright-to-left")),
	}
}

// hasControl reports a control or format character other than the newline.
func hasControl(s string) bool {
	return strings.ContainsFunc(s, func(r rune) bool {
		return r != '\n' && (unicode.IsControl(r) || r == '\u202e')
	})
}

func TestListJSONFields(t *testing.T) {
	c := newCLI(t, "", hostileMails()...)
	if out := c.must("list", "--json"); strings.TrimSpace(out) != "[]" {
		t.Fatalf("empty store: %q", out)
	}
	if out := c.must("list", "--json", "--search", "nothing matches this"); strings.TrimSpace(out) != "[]" {
		t.Fatalf("no match: %q", out)
	}
	c.must("sync")
	out := c.must("list", "--json")
	if hasControl(out) {
		t.Fatalf("control character in list --json: %q", out)
	}
	var raw []map[string]any
	if err := json.Unmarshal([]byte(out), &raw); err != nil {
		t.Fatal(err)
	}
	if len(raw) != 4 {
		t.Fatalf("%d entries", len(raw))
	}
	want := []string{"cached", "date", "deleted", "flagged", "from", "id", "on_server", "seen", "size", "subject", "to", "uidl"}
	ids := map[float64]bool{}
	for _, m := range raw {
		if got := slices.Sorted(maps.Keys(m)); !slices.Equal(got, want) {
			t.Fatalf("fields %v, want %v", got, want)
		}
		id, ok := m["id"].(float64)
		if !ok || id <= 0 || id != float64(int64(id)) || ids[id] {
			t.Fatalf("id %v is not a new positive integer", m["id"])
		}
		ids[id] = true
		for _, k := range []string{"uidl", "from", "subject", "date"} {
			if _, ok := m[k].(string); !ok {
				t.Errorf("%s is %T, want a string", k, m[k])
			}
		}
		if to, ok := m["to"].([]any); !ok || len(to) != 1 || to[0] != "Bob <bob@example.org>" {
			t.Errorf("to = %#v", m["to"])
		}
		if size, ok := m["size"].(float64); !ok || size <= 0 {
			t.Errorf("size = %v", m["size"])
		}
		for _, k := range []string{"seen", "deleted", "flagged", "cached", "on_server"} {
			if _, ok := m[k].(bool); !ok {
				t.Errorf("%s is %T, want a boolean", k, m[k])
			}
		}
	}
	// Newest first, and decoded names.
	if raw[0]["uidl"] != "4" || raw[3]["uidl"] != "1" {
		t.Errorf("order: %v ... %v", raw[0]["uidl"], raw[3]["uidl"])
	}
	if raw[2]["from"] != "김철수 <kim@example.org>" || !strings.HasPrefix(raw[2]["subject"].(string), "2 회의 일정") {
		t.Errorf("decoded: %v / %v", raw[2]["from"], raw[2]["subject"])
	}
}

func TestListColumnsAlign(t *testing.T) {
	c := newCLI(t, "", hostileMails()...)
	if out := c.must("list"); out != "" {
		t.Fatalf("empty store: %q", out)
	}
	c.must("sync")
	c.must("delete", "1")
	for _, width := range []int{0, 60} {
		var b strings.Builder
		s, code := openAccount(&env{configPath: c.config, stderr: &b}, "", storeRead)
		if s == nil {
			t.Fatalf("open: %d %s", code, b.String())
		}
		msgs, err := s.engine.List(t.Context(), mailapi.Query{})
		s.Close()
		if err != nil {
			t.Fatal(err)
		}
		printColumns(&b, msgs, width, 0)
		out := b.String()
		if hasControl(out) {
			t.Fatalf("width %d: control character in list: %q", width, out)
		}
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		if len(lines) != 4 {
			t.Fatalf("width %d: %d lines:\n%s", width, len(lines), out)
		}
		col := -1
		for i, l := range lines {
			if width > 0 && ansi.StringWidth(l) > width {
				t.Errorf("width %d: line %d is %d columns: %q", width, i, ansi.StringWidth(l), l)
			}
			// The subject starts with the message's number.
			uid := fmt.Sprint(4 - i)
			at := strings.LastIndex(l, "  "+uid+" ")
			if at < 0 {
				t.Fatalf("width %d: no subject %s in %q", width, uid, l)
			}
			if w := ansi.StringWidth(l[:at]); col == -1 {
				col = w
			} else if w != col {
				t.Errorf("width %d: subject of line %d starts at column %d, not %d:\n%s", width, i, w, col, out)
			}
		}
	}
}

func TestListInTwoParts(t *testing.T) {
	var msgs []pop3test.Message
	for i := range firstPage + 30 {
		msgs = append(msgs, testMail(fmt.Sprint("m", i), fmt.Sprint("subject ", i)))
	}
	c := newCLI(t, "prefetch = \"none\"\n", msgs...)
	c.must("sync")
	var want []string
	for _, m := range c.list() {
		want = append(want, fmt.Sprint(m.ID))
	}
	for _, limit := range []int{0, firstPage - 1, firstPage, firstPage + 7, len(msgs) + 5} {
		out := c.must("list", "--limit", fmt.Sprint(limit))
		lines := strings.Split(strings.TrimSuffix(out, "\n"), "\n")
		n := len(msgs)
		if limit > 0 {
			n = min(limit, n)
		}
		if len(lines) != n {
			t.Fatalf("--limit %d: %d lines, want %d", limit, len(lines), n)
		}
		for i, l := range lines {
			if got := strings.Fields(l)[0]; got != want[i] {
				t.Fatalf("--limit %d: line %d has ID %s, want %s (the order of list --json)", limit, i, got, want[i])
			}
			if strings.Index(l, " N---") != strings.Index(lines[0], " N---") {
				t.Fatalf("--limit %d: columns move at line %d:\n%s\n%s", limit, i, lines[0], l)
			}
		}
	}
}

// A flag set in the reader shows in list --json and in the F column; a sync
// keeps it.
func TestListShowsFlagged(t *testing.T) {
	c := newCLI(t, "", hostileMails()[:2]...)
	c.must("sync")
	var b strings.Builder
	s, code := openAccount(&env{configPath: c.config, stderr: &b}, "", storeWrite)
	if s == nil {
		t.Fatalf("open: %d %s", code, b.String())
	}
	msgs := c.list()
	if err := s.engine.MarkFlagged(t.Context(), []int64{msgs[1].ID}, true); err != nil {
		t.Fatal(err)
	}
	s.Close()
	c.must("sync")
	msgs = c.list()
	if msgs[0].Flagged || !msgs[1].Flagged {
		t.Fatalf("flagged: %v, %v; want the second only", msgs[0].Flagged, msgs[1].Flagged)
	}
	lines := strings.Split(strings.TrimSpace(c.must("list")), "\n")
	if len(lines) != 2 || !strings.Contains(lines[1], " N-FB- ") || !strings.Contains(lines[0], " N--B- ") {
		t.Errorf("flag column:\n%s", strings.Join(lines, "\n"))
	}
}

// list --pattern uses the reader's limit patterns; a bad one is a usage
// error that points at the bad part.
func TestListPattern(t *testing.T) {
	c := newCLI(t, "", hostileMails()...)
	c.must("sync")
	uidls := func(pat string) []string {
		var out []string
		for _, m := range c.list("--pattern", pat) {
			out = append(out, m.UIDL)
		}
		return out
	}
	if got := uidls("~f alice"); !slices.Equal(got, []string{"1"}) {
		t.Errorf("~f alice: %v", got)
	}
	if got := uidls("~f example.org !~f alice"); !slices.Equal(got, []string{"4", "2"}) {
		t.Errorf("~f example.org !~f alice: %v", got)
	}
	if got := uidls("~s plain | ~f yamada ~N"); !slices.Equal(got, []string{"3", "1"}) {
		t.Errorf("or: %v", got)
	}
	if got := uidls("~d 2026-01-02 ~z <1K"); len(got) != 4 {
		t.Errorf("date and size: %v", got)
	}
	if got := uidls("plain"); !slices.Equal(got, []string{"1"}) {
		t.Errorf("a plain word searches: %v", got)
	}
	if out := c.must("list", "--pattern", "~f alice"); !strings.Contains(out, "1 plain subject") || strings.Count(out, "\n") != 1 {
		t.Errorf("columns: %q", out)
	}
	code, _, stderr := c.run("list", "--pattern", "~f alice ~x")
	if code != exitUsage || !strings.Contains(stderr, "~x at column 10: unknown pattern ~x") || strings.Count(stderr, "\n") != 1 {
		t.Errorf("bad pattern: %d %q", code, stderr)
	}
}

// list --all-accounts: every account's messages in the one list order,
// with the account named in a column and in JSON.
func TestListAllAccounts(t *testing.T) {
	home := pop3test.NewTest(t, pop3test.Config{Maildrop: pop3test.NewMaildrop(
		mailFrom("7", "Hana <hana@example.jp>", "home newest"))})
	extra := accountTOML("home", home.Addr(), pop3test.DefaultUser, "echo "+pop3test.DefaultPassword, filepath.Join(t.TempDir(), "home"))
	c := newCLI(t, extra, hostileMails()[:2]...)
	c.must("sync")
	c.must("sync", "--account", "home")
	msgs := c.list("--all-accounts")
	var got []string
	for _, m := range msgs {
		got = append(got, m.Account+":"+m.UIDL)
	}
	// Dates 15:0<uid>:05: home's 7 is the newest.
	if want := []string{"home:7", "test:2", "test:1"}; !slices.Equal(got, want) {
		t.Fatalf("all accounts %v, want %v", got, want)
	}
	if one := c.list(); len(one) != 2 || one[0].Account != "" {
		t.Errorf("one account: %+v", one)
	}
	out := c.must("list", "--all-accounts", "--pattern", "~f hana")
	if lines := strings.Split(strings.TrimSpace(out), "\n"); len(lines) != 1 || !strings.HasPrefix(lines[0], "home ") || !strings.Contains(lines[0], "home newest") {
		t.Errorf("columns:\n%s", out)
	}
}

// TestListHeaderAlignsAndExplainsFlags: on a terminal the list has a header
// row over its columns, the legend names every flag letter, and sizes read
// as the reader shows them (1.1K, not 2K).
func TestListHeaderAlignsAndExplainsFlags(t *testing.T) {
	msgs := []mailapi.Summary{
		{ID: 7, From: "alice@example.org", Subject: "first", Size: 1126, OnServer: true},
		{ID: 12, From: "bob@example.org", Subject: "second", Size: 300, Seen: true, Deleted: true},
	}
	for _, width := range []int{0, 80} {
		var b strings.Builder
		printHeader(&b, width, 2)
		printColumns(&b, msgs, width, 2)
		lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
		if len(lines) != 3 {
			t.Fatalf("width %d: %d lines:\n%s", width, len(lines), b.String())
		}
		head := lines[0]
		for col, name := range map[string]string{"first": "SUBJECT", "alice": "FROM", "N-": "FLAG"} {
			if got, want := strings.Index(lines[1], col), strings.Index(head, name); got != want || want < 0 {
				t.Errorf("width %d: %s at column %d, its header %s at %d:\n%s", width, col, got, name, want, b.String())
			}
		}
		if end := strings.Index(head, "SIZE") + len("SIZE"); !strings.Contains(lines[1][:end], "1.1K") || !strings.HasSuffix(strings.TrimSpace(lines[1][:end]), "1.1K") {
			t.Errorf("width %d: size column %q does not end under SIZE in:\n%s", width, lines[1][:end], b.String())
		}
	}
	for _, letter := range []string{"N unseen", "D marked", "F flagged", "B body", "L only here"} {
		if !strings.Contains(flagLegend, letter) || !strings.Contains(listHelp, letter) {
			t.Errorf("the legend or list --help lacks %q", letter)
		}
	}
}

// The account list's header row aligns with its rows too.
func TestListAllAccountsHeaderAligns(t *testing.T) {
	msgs := []mailapi.Summary{{ID: 123, From: "alice@example.org", Subject: "first", Size: 10}, {ID: 4, From: "bob@example.org", Subject: "second"}}
	var b strings.Builder
	printAccountColumns(&b, msgs, []string{"work", "home"}, 100, true)
	lines := strings.Split(strings.TrimSuffix(b.String(), "\n"), "\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[0], "ACCOUNT ") {
		t.Fatalf("lines:\n%s", b.String())
	}
	for i, subject := range []string{"first", "second"} {
		if got, want := strings.Index(lines[i+1], subject), strings.Index(lines[0], "SUBJECT"); got != want {
			t.Errorf("%s at column %d, SUBJECT at %d:\n%s", subject, got, want, b.String())
		}
	}
}

// TestListSearchSaysIncomplete: while stored bodies wait for the body
// indexer (a sync killed before it caught up), list --search says its
// results may be incomplete; once a sync has indexed them, it does not.
func TestListSearchSaysIncomplete(t *testing.T) {
	c := newCLI(t, "", testMail("a", "first"), testMail("b", "second"))
	c.must("sync")
	if _, _, errs := c.run("list", "--search", "first"); strings.Contains(errs, "incomplete") {
		t.Fatalf("list --search with every body indexed: %q", errs)
	}
	// What a kill before the indexer caught up leaves.
	db, err := sql.Open("sqlite", filepath.Join(c.store, "index.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`DELETE FROM search_words; UPDATE messages SET body_indexed = 0`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	code, _, errs := c.run("list", "--search", "first")
	if code != exitOK || !strings.Contains(errs, "2 stored messages are not yet indexed for search, so results may be incomplete") {
		t.Fatalf("list --search with unindexed bodies: exit %d, %q", code, errs)
	}
	c.must("sync")
	if _, _, errs := c.run("list", "--search", "first"); strings.Contains(errs, "incomplete") {
		t.Errorf("list --search after a sync indexed the bodies: %q", errs)
	}
}

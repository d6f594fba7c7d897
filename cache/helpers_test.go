package cache

import (
	"context"
	"database/sql"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// openTest opens a fresh store in a temporary folder named "acct".
func openTest(t testing.TB) *Store {
	t.Helper()
	s, err := Open(filepath.Join(t.TempDir(), "acct"), Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// hdr builds a header block.
func hdr(from, to, subject string, date time.Time, msgID string) []byte {
	var b strings.Builder
	fmt.Fprintf(&b, "From: %s\nTo: %s\nSubject: %s\n", from, to, subject)
	if !date.IsZero() {
		fmt.Fprintf(&b, "Date: %s\n", date.Format(time.RFC1123Z))
	}
	if msgID != "" {
		fmt.Fprintf(&b, "Message-ID: <%s>\n", msgID)
	}
	return []byte(b.String())
}

// addTest adds messages and returns their IDs.
func addTest(t testing.TB, s *Store, msgs ...NewMessage) []int64 {
	t.Helper()
	ids, err := s.Add(context.Background(), msgs)
	if err != nil {
		t.Fatal(err)
	}
	if len(ids) != len(msgs) {
		t.Fatalf("Add returned %d IDs for %d messages", len(ids), len(msgs))
	}
	return ids
}

// simple returns a message with a distinct UIDL and date (minutes after a
// fixed time) and subject.
func simple(i int, subject string) NewMessage {
	d := time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)
	return NewMessage{
		UIDL:   fmt.Sprintf("uidl-%d", i),
		Size:   int64(100 + i),
		Header: hdr(fmt.Sprintf("Sender %d <s%d@example.org>", i, i), "me@example.org", subject, d, fmt.Sprintf("m%d@example.org", i)),
	}
}

func ids(ms []Message) []int64 {
	out := make([]int64, len(ms))
	for i, m := range ms {
		out[i] = m.ID
	}
	return out
}

// date is the Date simple gave the message.
func (m NewMessage) date() time.Time {
	var i int
	fmt.Sscanf(m.UIDL, "uidl-%d", &i)
	return time.Date(2024, 5, 1, 12, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)
}

func itoa(i int) string { return fmt.Sprint(i) }

func stringsReader(s string) *strings.Reader { return strings.NewReader(s) }

// execIndex runs queries on the index of the store in dir, after applying
// steps (none: the index must exist), behind the store's back.
func execIndex(t testing.TB, dir string, steps []migration, queries ...string) {
	t.Helper()
	db, err := sql.Open("sqlite", dsn(filepath.Join(dir, indexName), false))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if steps != nil {
		if err := migrate(context.Background(), db, steps); err != nil {
			t.Fatal(err)
		}
	}
	for _, q := range queries {
		if _, err := db.Exec(q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
}

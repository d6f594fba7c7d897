// Command tokenbench measures what indexing message bodies costs with each
// FTS5 tokenizer popterm could use (trigram, or unicode61 words), over the
// text of realistic messages (internal/bench/benchmail), and how the two
// answer the same searches: index size against the text and the mail,
// indexing time, and hits and time for searches by word, by the beginning
// of a word and by a piece inside a word. docs/ARCHITECTURE.md records the
// decision these figures support.
package main

import (
	"context"
	"database/sql"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	_ "modernc.org/sqlite"

	"github.com/popterm/popterm/internal/bench/benchmail"
	"github.com/popterm/popterm/message"
)

func main() {
	n := flag.Int("n", 3000, "messages")
	flag.Parse()
	if err := run(*n); err != nil {
		fmt.Fprintln(os.Stderr, "tokenbench:", err)
		os.Exit(1)
	}
}

// table is one way of indexing the bodies.
type table struct {
	name, ddl string
	// query turns a search word into the table's MATCH expression.
	query func(w string) string
}

func run(n int) error {
	dir, err := os.MkdirTemp("", "tokenbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	var texts []string
	var mail, text int64
	for i := range n {
		raw := benchmail.Message(1, i)
		mail += int64(len(raw))
		msg, err := message.Parse(strings.NewReader(string(raw)), message.Options{})
		if err != nil {
			return err
		}
		t := msg.Text()
		text += int64(len(t))
		texts = append(texts, t)
	}
	fmt.Printf("%d messages: %.1f MB of mail, %.1f MB of body text\n", n, mb(mail), mb(text))
	quote := func(w string) string { return `"` + strings.ReplaceAll(w, `"`, `""`) + `"` }
	tables := []table{
		{"trigram", `CREATE VIRTUAL TABLE t USING fts5 (body, content = '', contentless_delete = 1, tokenize = 'trigram')`, quote},
		{"unicode61", `CREATE VIRTUAL TABLE t USING fts5 (body, content = '', contentless_delete = 1, tokenize = 'unicode61 remove_diacritics 2')`,
			func(w string) string { return quote(w) + "*" }},
	}
	searches := []string{"meeting", "meet", "invoice", "eting", "voic", "quarter update", "Zürich", "zurich"}
	fmt.Printf("  %-10s %9s %8s %8s %9s", "tokenizer", "index MB", "x text", "x mail", "index s")
	for _, s := range searches {
		fmt.Printf(" %14q", s)
	}
	fmt.Println()
	for _, tb := range tables {
		p := filepath.Join(dir, tb.name+".db")
		db, err := sql.Open("sqlite", p)
		if err != nil {
			return err
		}
		if _, err := db.Exec(tb.ddl); err != nil {
			return err
		}
		start := time.Now()
		tx, err := db.Begin()
		if err != nil {
			return err
		}
		for i, t := range texts {
			if _, err := tx.Exec(`INSERT INTO t (rowid, body) VALUES (?, ?)`, i+1, t); err != nil {
				return err
			}
		}
		if err := tx.Commit(); err != nil {
			return err
		}
		if _, err := db.Exec(`INSERT INTO t (t) VALUES ('optimize')`); err != nil {
			return err
		}
		took := time.Since(start)
		db.Exec(`VACUUM`)
		st, err := os.Stat(p)
		if err != nil {
			return err
		}
		fmt.Printf("  %-10s %9.1f %8.2f %8.2f %9.2f", tb.name, mb(st.Size()), float64(st.Size())/float64(text), float64(st.Size())/float64(mail), took.Seconds())
		for _, s := range searches {
			var conds []string
			var args []any
			for _, w := range strings.Fields(s) {
				conds = append(conds, `rowid IN (SELECT rowid FROM t WHERE t MATCH ?)`)
				args = append(args, tb.query(w))
			}
			start := time.Now()
			var hits int
			if err := db.QueryRowContext(context.Background(), `SELECT count(*) FROM t WHERE `+strings.Join(conds, " AND "), args...).Scan(&hits); err != nil {
				return fmt.Errorf("%s %q: %w", tb.name, s, err)
			}
			fmt.Printf(" %6d %5.1fms", hits, float64(time.Since(start).Microseconds())/1000)
		}
		fmt.Println()
		db.Close()
	}
	return nil
}

func mb(n int64) float64 { return float64(n) / 1e6 }

package cache

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"
)

// Query selects messages for List.
type Query struct {
	// Search is plain words, all required, case-insensitive, over subject,
	// addresses and body text. Never query syntax; no input is an error.
	Search string
	Limit  int // most rows returned; 0 means all
	Offset int // rows to skip before the first one returned
}

// orderBy is the list order of Message.CompareNewest: newest first by Date,
// else by first-seen time (the sort_key column), then by ID. The
// messages_order index serves it.
const orderBy = ` ORDER BY m.sort_key DESC, m.id DESC`

// List returns messages newest first. A page (Limit > 0) walks the
// messages_order index and stops early; a whole listing reads the table in
// storage order and sorts in memory, which avoids one B-tree seek per row.
func (s *Store) List(ctx context.Context, q Query) ([]Message, error) {
	query, args := listQuery(messageCols, q)
	ms, _, err := s.queryMessages(ctx, query, args...)
	if err != nil || q.Limit > 0 {
		return ms, err
	}
	slices.SortFunc(ms, func(a, b Message) int { return a.CompareNewest(&b) })
	return ms[min(max(q.Offset, 0), len(ms)):], nil
}

// listQuery builds the SQL for a listing of cols: ordered and limited for a
// page, in storage order for everything.
func listQuery(cols string, q Query) (string, []any) {
	return tableQuery(inboxTables, cols, q, "")
}

// searchTables names a table of rows and its two search tables: the inbox's,
// or the local folders'.
type searchTables struct{ rows, trigram, words string }

var (
	inboxTables  = searchTables{rows: "messages", trigram: "search", words: "search_words"}
	folderTables = searchTables{rows: "folder_messages", trigram: "folder_search", words: "folder_search_words"}
)

// tableQuery builds listQuery's SQL over t, with an extra condition on m
// (its arguments first in args) when cond is not empty.
func tableQuery(t searchTables, cols string, q Query, cond string, condArgs ...any) (string, []any) {
	where, args := searchWhere(t, q.Search)
	if cond != "" {
		args = append(condArgs, args...)
		if where != "" {
			where = cond + ` AND ` + where
		} else {
			where = cond
		}
	}
	var b strings.Builder
	b.WriteString(`SELECT ` + cols + ` FROM ` + t.rows + ` m`)
	if where != "" {
		b.WriteString(` WHERE ` + where)
	}
	if q.Limit > 0 {
		b.WriteString(orderBy + ` LIMIT ? OFFSET ?`)
		args = append(args, q.Limit, max(q.Offset, 0))
	}
	return b.String(), args
}

// Conditions on a messages row m for one search word. The trigram table
// (subject, addresses, CJK runs of the body) finds a word of three or more
// characters as a case-insensitive substring; the word table finds body
// words that begin with it; a shorter word is a LIKE on the header columns
// (ASCII case folding) or a body word that begins with it.
const (
	trigramCond = `m.id IN (SELECT rowid FROM %[1]s WHERE %[1]s MATCH ?)`
	wordsCond   = `m.id IN (SELECT rowid FROM %[1]s WHERE %[1]s MATCH ?)`
	likeCond    = `m.subject LIKE ? ESCAPE '\' OR m.from_addr LIKE ? ESCAPE '\' OR
		m.to_addrs LIKE ? ESCAPE '\' OR m.cc_addrs LIKE ? ESCAPE '\'`
)

// searchWhere turns plain words into a condition on the messages row m:
// every word must match (see trigramCond). Nothing the user types is read as
// FTS5 syntax: every word is a quoted FTS5 string, so no input is an error.
func searchWhere(t searchTables, search string) (where string, args []any) {
	trigram, words := fmt.Sprintf(trigramCond, t.trigram), fmt.Sprintf(wordsCond, t.words)
	escape := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	// Control characters mean nothing in a search (and NUL would end the
	// pattern early inside SQLite): drop them.
	search = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' || r == 0x7f {
			return -1
		}
		return r
	}, search)
	var conds []string
	for _, w := range strings.Fields(search) {
		quoted := `"` + strings.ReplaceAll(w, `"`, `""`) + `"`
		if utf8.RuneCountInString(w) >= 3 {
			conds = append(conds, `(`+trigram+` OR `+words+`)`)
			args = append(args, quoted, quoted+`*`)
			continue
		}
		conds = append(conds, `(`+likeCond+` OR `+words+`)`)
		pat := "%" + escape.Replace(w) + "%"
		args = append(args, pat, pat, pat, pat, quoted+`*`)
	}
	return strings.Join(conds, " AND "), args
}

// Count returns how many messages List would return for q's search (Limit
// and Offset ignored), without reading them.
func (s *Store) Count(ctx context.Context, q Query) (int, error) {
	query, args := listQuery(`count(*)`, Query{Search: q.Search})
	var n int
	if err := s.db.QueryRowContext(ctx, query, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("count messages: %w", err)
	}
	return n, nil
}

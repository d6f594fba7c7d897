package cache

import (
	"context"
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
	where, args, fts := searchWhere(q.Search)
	var b strings.Builder
	b.WriteString(`SELECT ` + cols + ` FROM messages m`)
	switch {
	case where == "":
	case fts:
		// The full-text index finds the few candidates; LIKE filters them.
		b.WriteString(` WHERE m.id IN (SELECT s.rowid FROM search s WHERE ` + where + `)`)
	default:
		// LIKE alone scans: walk newest first and stop at a full page.
		b.WriteString(` JOIN search s ON s.rowid = m.id WHERE ` + where)
	}
	if q.Limit > 0 {
		b.WriteString(orderBy + ` LIMIT ? OFFSET ?`)
		args = append(args, q.Limit, max(q.Offset, 0))
	}
	return b.String(), args
}

// searchWhere turns plain words into a condition on the search table s:
// every word of three or more characters becomes a quoted FTS5 string (the
// trigram tokenizer finds it as a case-insensitive substring), and shorter
// words a LIKE on each column. Nothing the user types is read as FTS5
// syntax, so no input is an error.
// It reports whether the condition uses the full-text index.
func searchWhere(search string) (where string, args []any, fts bool) {
	escape := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	var phrases, conds []string
	// Control characters mean nothing in a search (and NUL would end the
	// pattern early inside SQLite): drop them.
	search = strings.Map(func(r rune) rune {
		if r < 0x20 && r != '\t' && r != '\n' || r == 0x7f {
			return -1
		}
		return r
	}, search)
	for _, w := range strings.Fields(search) {
		if utf8.RuneCountInString(w) >= 3 {
			phrases = append(phrases, `"`+strings.ReplaceAll(w, `"`, `""`)+`"`)
			continue
		}
		conds = append(conds, `(s.subject LIKE ? ESCAPE '\' OR s.addrs LIKE ? ESCAPE '\' OR s.body LIKE ? ESCAPE '\')`)
		pat := "%" + escape.Replace(w) + "%"
		args = append(args, pat, pat, pat)
	}
	if len(phrases) > 0 {
		conds = append([]string{`s.search MATCH ?`}, conds...)
		args = append([]any{strings.Join(phrases, " AND ")}, args...)
	}
	return strings.Join(conds, " AND "), args, len(phrases) > 0
}

package cache

import (
	"context"
	"strings"
	"unicode/utf8"
)

// Query selects messages for List.
type Query struct {
	// Search is plain words, all required, case-insensitive, over subject,
	// addresses and body text. Never query syntax; no input is an error.
	Search string
	Limit  int // 0 = all
	Offset int
}

// orderBy is the list order: newest first by Date, else by first-seen time,
// then by ID. The messages_order index serves it.
const orderBy = ` ORDER BY m.sort_key DESC, m.id DESC`

// List returns messages newest first.
func (s *Store) List(ctx context.Context, q Query) ([]Message, error) {
	query, args := listQuery(messageCols, q)
	return s.queryMessages(ctx, query, args...)
}

// listQuery builds the SQL for a listing of cols.
func listQuery(cols string, q Query) (string, []any) {
	where, args := searchWhere(q.Search)
	var b strings.Builder
	b.WriteString(`SELECT ` + cols)
	if where == "" {
		b.WriteString(` FROM messages m`)
	} else {
		b.WriteString(` FROM search s JOIN messages m ON m.id = s.rowid WHERE ` + where)
	}
	b.WriteString(orderBy)
	limit := q.Limit
	if limit <= 0 {
		limit = -1
	}
	b.WriteString(` LIMIT ? OFFSET ?`)
	return b.String(), append(args, limit, max(q.Offset, 0))
}

// searchWhere turns plain words into a condition on the search table s:
// every word of three or more characters becomes a quoted FTS5 string (the
// trigram tokenizer finds it as a case-insensitive substring), and shorter
// words a LIKE on each column. Nothing the user types is read as FTS5
// syntax, so no input is an error.
func searchWhere(search string) (string, []any) {
	escape := strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)
	var (
		phrases []string
		conds   []string
		args    []any
	)
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
	return strings.Join(conds, " AND "), args
}

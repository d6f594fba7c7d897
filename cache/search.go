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
	where, args := searchWhere(q.Search)
	var b strings.Builder
	b.WriteString(`SELECT ` + cols + ` FROM messages m`)
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
	trigramCond = `m.id IN (SELECT rowid FROM search WHERE search MATCH ?)`
	wordsCond   = `m.id IN (SELECT rowid FROM search_words WHERE search_words MATCH ?)`
	likeCond    = `m.subject LIKE ? ESCAPE '\' OR m.from_addr LIKE ? ESCAPE '\' OR
		m.to_addrs LIKE ? ESCAPE '\' OR m.cc_addrs LIKE ? ESCAPE '\'`
)

// searchWhere turns plain words into a condition on the messages row m:
// every word must match (see trigramCond). Nothing the user types is read as
// FTS5 syntax: every word is a quoted FTS5 string, so no input is an error.
func searchWhere(search string) (where string, args []any) {
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
			conds = append(conds, `(`+trigramCond+` OR `+wordsCond+`)`)
			args = append(args, quoted, quoted+`*`)
			continue
		}
		conds = append(conds, `(`+likeCond+` OR `+wordsCond+`)`)
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

package ui

import (
	"cmp"
	"slices"
	"sort"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/popterm/popterm/mailapi"
)

// sortKey is the index's sort order, cycled by `o`.
type sortKey int

const (
	sortDate    sortKey = iota // newest first
	sortSender                 // by display name, A to Z
	sortSubject                // by subject without Re:/Fwd:, A to Z
	sortSize                   // largest first
	sortKeys
)

// String names the order for the index's column title.
func (k sortKey) String() string {
	return [...]string{"date", "sender", "subject", "size"}[k]
}

// sortedOrder returns the row indexes of rows in the given order. Ties
// fall back to the store's list order (newest first, a message without a
// Date by when it was stored, then by ID), so the order is stable across
// reloads and the date order is the one popterm list prints.
func sortedOrder(rows []mailapi.Summary, by sortKey) []int {
	order := make([]int, len(rows))
	for i := range order {
		order[i] = i
	}
	var keys []string
	if by == sortSender || by == sortSubject {
		keys = make([]string, len(rows))
		for i := range rows {
			if by == sortSender {
				keys[i] = strings.ToLower(senderLabel(&rows[i])) // as the index shows it
			} else {
				keys[i] = baseSubject(rows[i].Subject)
			}
		}
	}
	// Every comparison ends on the unique ID, so the order is total and an
	// unstable sort gives the same result every time.
	slices.SortFunc(order, func(i, j int) int {
		a, b := &rows[i], &rows[j]
		switch by {
		case sortSender, sortSubject:
			if c := strings.Compare(keys[i], keys[j]); c != 0 {
				return c
			}
		case sortSize:
			if c := cmp.Compare(b.Size, a.Size); c != 0 {
				return c
			}
		}
		return a.CompareNewest(b) // the store's list order
	})
	return order
}

// baseSubject lowercases a subject and drops reply and forward prefixes.
func baseSubject(s string) string {
	s = strings.ToLower(strings.TrimSpace(s))
	for {
		trimmed := s
		for _, p := range []string{"re:", "fwd:", "fw:", "aw:", "sv:", "re :", "fwd :"} {
			trimmed = strings.TrimSpace(strings.TrimPrefix(trimmed, p))
		}
		if trimmed == s {
			return s
		}
		s = trimmed
	}
}

// threadOrder groups order into threads by References and In-Reply-To
// (RFC 5322 section 3.6.4): each thread starts where its first message
// falls in order, replies follow their parent oldest first. It returns the
// new order and each position's depth.
func threadOrder(rows []mailapi.Summary, order []int) (threaded, depth []int) {
	byID := make(map[string]int, len(rows))
	for i := range rows {
		if id := rows[i].MessageID; id != "" {
			if _, dup := byID[id]; !dup {
				byID[id] = i
			}
		}
	}
	parent := make([]int, len(rows))
	children := make(map[int][]int)
	for i := range rows {
		parent[i] = -1
		refs := rows[i].References
		cands := make([]string, 0, len(refs)+1)
		if rows[i].InReplyTo != "" {
			cands = append(cands, rows[i].InReplyTo)
		}
		for j := len(refs) - 1; j >= 0; j-- {
			cands = append(cands, refs[j])
		}
		for _, c := range cands {
			if p, ok := byID[c]; ok && p != i {
				parent[i] = p
				break
			}
		}
	}
	// Break cycles: a message whose ancestors loop back becomes a root.
	for i := range rows {
		seen := 0
		for p := parent[i]; p >= 0; p = parent[p] {
			if seen++; p == i || seen > len(rows) {
				parent[i] = -1
				break
			}
		}
	}
	for i := range rows {
		if p := parent[i]; p >= 0 {
			children[p] = append(children[p], i)
		}
	}
	for p, kids := range children {
		sort.SliceStable(kids, func(a, b int) bool {
			// Oldest first: the list order reversed.
			return rows[kids[b]].CompareNewest(&rows[kids[a]]) < 0
		})
		children[p] = kids
	}
	// A thread is placed where its root stands in order.
	root := func(i int) int {
		for parent[i] >= 0 {
			i = parent[i]
		}
		return i
	}
	placed := make([]bool, len(rows))
	threaded = make([]int, 0, len(order))
	depth = make([]int, 0, len(order))
	var walk func(i, d int)
	walk = func(i, d int) {
		threaded = append(threaded, i)
		depth = append(depth, d)
		for _, k := range children[i] {
			walk(k, d+1)
		}
	}
	for _, i := range order {
		r := root(i)
		if placed[r] {
			continue
		}
		placed[r] = true
		walk(r, 0)
	}
	return threaded, depth
}

// orderSpec is how the index is ordered: the sort key, threads, reversed.
type orderSpec struct {
	by      sortKey
	threads bool
	reverse bool
}

// arrange computes the display order of rows for spec and, with threads,
// each position's depth. It only reads the rows' sort and thread fields,
// so it runs in a command while Update changes the marks of the same rows.
func arrange(rows []mailapi.Summary, spec orderSpec) (order, depth []int) {
	order = sortedOrder(rows, spec.by)
	if spec.reverse {
		slices.Reverse(order)
	}
	if spec.threads {
		order, depth = threadOrder(rows, order)
	}
	return order, depth
}

// listTag says which load rows come from: the query generation, the
// search, and the count of the whole result (the rows may be its first
// page only).
type listTag struct {
	gen     int
	search  string
	total   int  // messages in the whole result; -1 when not known
	partial bool // rows are the first page only; the rest follows
	// unindexed counts stored bodies the search did not cover yet.
	unindexed int
}

// arrangedMsg carries the display order computed for rows in a command.
type arrangedMsg struct {
	gen   int // the index's order generation it was asked for
	rows  []mailapi.Summary
	tag   listTag
	spec  orderSpec
	order []int
	depth []int
}

// arrangeCmd orders rows for spec outside Update (a sort or thread build of
// 100,000 rows takes a noticeable fraction of a second).
func arrangeCmd(gen int, rows []mailapi.Summary, tag listTag, spec orderSpec) tea.Cmd {
	return func() tea.Msg {
		order, depth := arrange(rows, spec)
		return arrangedMsg{gen: gen, rows: rows, tag: tag, spec: spec, order: order, depth: depth}
	}
}

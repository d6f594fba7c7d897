package ui

import (
	"strings"

	"github.com/popterm/popterm/mailapi"
)

// compactRows trims rows, in place, to what the reader uses and returns
// them: the store hands each row's text out as pieces of one string (with
// the header hash and the UIDL, which the reader never shows), so every
// piece the reader keeps is copied out, and the pieces many rows share
// (senders, recipients, references) are copied once per load. Dates lose
// their per-row time zone (the reader shows them in its own). A 100,000-row
// index then holds about half the memory.
func compactRows(rows []mailapi.Summary) []mailapi.Summary {
	in := interner{}
	for i := range rows {
		r := &rows[i]
		r.UIDL, r.HeaderHash = "", ""
		r.From, r.FromName = in.get(r.From), in.get(r.FromName)
		r.To, r.Cc, r.References = in.all(r.To), in.all(r.Cc), in.all(r.References)
		r.Subject = strings.Clone(r.Subject)
		r.MessageID, r.InReplyTo = strings.Clone(r.MessageID), in.get(r.InReplyTo)
		if !r.Date.IsZero() {
			r.Date = r.Date.UTC()
		}
		if !r.DownloadedAt.IsZero() {
			r.DownloadedAt = r.DownloadedAt.UTC()
		}
		r.FirstSeen = r.FirstSeen.UTC()
	}
	return rows
}

// interner shares one copy of each string among the rows of one load.
type interner map[string]string

// get returns the shared copy of s.
func (in interner) get(s string) string {
	if s == "" {
		return ""
	}
	if c, ok := in[s]; ok {
		return c
	}
	c := strings.Clone(s)
	in[c] = c
	return c
}

// all returns ss with every string shared, in a new slice of exact size
// (nil for none).
func (in interner) all(ss []string) []string {
	if len(ss) == 0 {
		return nil
	}
	out := make([]string, len(ss))
	for i, s := range ss {
		out[i] = in.get(s)
	}
	return out
}

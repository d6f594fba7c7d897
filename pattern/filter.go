package pattern

import (
	"context"
	"fmt"
	"time"

	"github.com/popterm/popterm/mailapi"
)

// Lister reads index rows for a query (the engine's List).
type Lister func(ctx context.Context, q mailapi.Query) ([]mailapi.Summary, error)

// Filter turns a pattern into a test on index rows, for the reader's limit
// and popterm list --pattern alike: it runs the pattern's searches (~b and
// plain words) through list once each, then matches every row against its
// fields. tagged says whether a row is tagged (for ~T; nil: none is).
func Filter(ctx context.Context, list Lister, p *Pattern, tagged func(id int64) bool) (func(*mailapi.Summary) bool, error) {
	found := map[string]map[int64]bool{}
	for _, text := range p.Searches() {
		rows, err := list(ctx, mailapi.Query{Search: text})
		if err != nil {
			return nil, fmt.Errorf("search for %q: %w", text, err)
		}
		ids := make(map[int64]bool, len(rows))
		for _, r := range rows {
			ids[r.ID] = true
		}
		found[text] = ids
	}
	return func(r *mailapi.Summary) bool {
		f := Fields{
			From:        r.From,
			To:          recipients(r),
			Subject:     r.Subject,
			Date:        time.UnixMilli(r.SortKey()), // a message without a Date: when it was stored
			Size:        r.Size,
			New:         !r.Seen,
			Flagged:     r.Flagged,
			Deleted:     r.Deleted,
			Attachments: r.HasAttachments,
			Tagged:      tagged != nil && tagged(r.ID),
		}
		return p.Match(&f, func(text string) bool { return found[text][r.ID] })
	}, nil
}

// recipients are a row's To and Cc addresses.
func recipients(r *mailapi.Summary) []string {
	if len(r.Cc) == 0 {
		return r.To
	}
	return append(append(make([]string, 0, len(r.To)+len(r.Cc)), r.To...), r.Cc...)
}

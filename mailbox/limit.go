package mailbox

import (
	"context"

	"github.com/popterm/popterm/pattern"
)

// Filter is the reader's limit and popterm list --pattern (pattern.Filter):
// the pattern's searches go to the store's full-text search.
func (e *Engine) Filter(ctx context.Context, p *pattern.Pattern, tagged func(id int64) bool) (func(*Summary) bool, error) {
	return pattern.Filter(ctx, e.List, p, tagged)
}

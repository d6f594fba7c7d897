package mailbox

import (
	"context"

	"github.com/popterm/popterm/cache"
)

// CheckWith verifies the store with options (`popterm check [--repair]
// [--full]`); Check is CheckWith without --full.
func (e *Engine) CheckWith(ctx context.Context, opts cache.CheckOptions) (cache.CheckReport, error) {
	rep, err := e.store.CheckWith(ctx, opts)
	return rep, classified(err)
}

package mailbox

import (
	"context"
	"fmt"
)

// MarkFlagged sets or clears the flagged (important) mark. Like Seen, it is
// local: kept in the index and as the Maildir F flag of the stored file, so
// other Maildir tools see it, and never sent to the server (POP3 has no
// flags). Syncs leave it alone.
func (e *Engine) MarkFlagged(ctx context.Context, ids []int64, flagged bool) error {
	if err := e.store.MarkFlagged(ctx, ids, flagged); err != nil {
		return classified(fmt.Errorf("flag messages: %w", err))
	}
	return nil
}

// MarkSeen sets or clears the read state (Maildir S flag), locally like
// MarkFlagged; Open sets it when a message is shown.
func (e *Engine) MarkSeen(ctx context.Context, ids []int64, seen bool) error {
	if err := e.store.MarkSeen(ctx, ids, seen); err != nil {
		return classified(fmt.Errorf("mark messages read: %w", err))
	}
	return nil
}

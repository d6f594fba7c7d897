package mailbox

import (
	"context"
	"fmt"

	"github.com/popterm/popterm/pop3"
)

// metaWarnedUnusable is "1" once the unusable-UIDL warning was given.
const metaWarnedUnusable = "mailbox.warned_unusable_uidl"

// syncUsable syncs by UIDL, messages with an unusable UIDL by their header
// (see listUsable).
func (s *syncRun) syncUsable(ctx context.Context, pairs []pop3.UIDEntry) error {
	if err := s.listUsable(ctx, pairs); err != nil {
		return err
	}
	return s.syncByUIDL(ctx)
}

// listUsable builds the listing from the UIDL reply; messages whose UIDL is
// unusable (over the length bound, or with bytes outside 0x21-0x7E) are
// identified by the hash of their header instead, as on a server without
// UIDL, so that one bad UIDL does not stop the mailbox.
func (s *syncRun) listUsable(ctx context.Context, pairs []pop3.UIDEntry) error {
	usable := make([]pop3.UIDEntry, 0, len(pairs))
	var bad []int
	why := ""
	for _, p := range pairs {
		if p.Unusable != "" {
			bad = append(bad, p.Number)
			why = p.Unusable
			continue
		}
		usable = append(usable, p)
	}
	s.l = newListing(usable)
	if len(bad) > 0 {
		what := fmt.Sprintf("%d messages an unusable UIDL (e.g. %s)", len(bad), why)
		if len(bad) == 1 {
			what = fmt.Sprintf("one message an unusable UIDL (%s)", why)
		}
		s.note("the server gives %s: such messages are identified by a hash of their headers, read at every sync", what)
		if v, _ := s.e.store.Meta(metaWarnedUnusable); v == "" {
			s.warn("the server gives %s: popterm identifies such messages by their headers instead", what)
			_ = s.e.store.SetMeta(metaWarnedUnusable, "1")
		}
		if err := s.readSizes(ctx); err != nil {
			return err
		}
		return s.hashEntries(ctx, bad)
	}
	return nil
}

package cache

import (
	"context"
	"fmt"
)

// Each calls fn with every message List would return for q, in storage
// order for a whole listing (a page comes in list order), without holding
// them all: a caller that keeps its own form of the rows (the reader's
// index) then never has two copies of a large mailbox in memory. The
// Message is reused between calls; fn copies what it keeps.
func (s *Store) Each(ctx context.Context, q Query, fn func(*Message)) error {
	query, args := listQuery(messageCols, q)
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("read index: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		m, _, err := scanMessage(rows)
		if err != nil {
			return fmt.Errorf("read index: %w", err)
		}
		fn(&m)
	}
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read index: %w", err)
	}
	return nil
}

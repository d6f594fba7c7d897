package main

import (
	"context"
	"os"
	"runtime/debug"

	"github.com/popterm/popterm/config"
)

// The reader holds every row of the index it shows, and each reload or
// search leaves the previous rows behind as garbage. Left alone, Go lets
// the heap grow to twice what is live before collecting, and gives freed
// memory back to the system slowly: a 100,000-message index of about 45 MB
// would keep 200 MB resident. The reader therefore sets a soft memory
// limit that scales with the mail it can show: a base for the program,
// plus a share per message (the index's rows take about 430 bytes each).
// While a reload holds the old rows and the new ones the collector runs
// more often (Go caps its share of the CPU); it never fails for the limit.
// SQLite's page caches live outside Go's heap and outside this limit.
const (
	readerMemoryBase       = 32 << 20
	readerMemoryPerMessage = 448
)

// limitReaderMemory sets the reader's soft memory limit from the number
// of messages in every configured account (the unified view shows them
// all). GOMEMLIMIT in the environment wins.
func limitReaderMemory(ctx context.Context, cfg *config.Config) {
	if os.Getenv("GOMEMLIMIT") != "" {
		return
	}
	total := 0
	for _, name := range cfg.AccountNames() {
		if st, err := accountCounts(ctx, cfg, name); err == nil {
			total += st.Total
		}
	}
	debug.SetMemoryLimit(readerMemoryLimit(total))
}

// readerMemoryLimit is the soft limit for a reader of n messages.
func readerMemoryLimit(n int) int64 {
	return readerMemoryBase + int64(n)*readerMemoryPerMessage
}

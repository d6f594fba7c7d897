package mailbox

import "github.com/popterm/popterm/cache"

// Summary is one index row, as the UI sees it (the store's row type).
type Summary = cache.Message

// Query selects rows for List (the store's query type).
type Query = cache.Query

// Stats are the counts a status bar shows (the store's counts type).
type Stats = cache.Stats

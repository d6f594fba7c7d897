package mailbox

import (
	"context"
	"errors"
	"fmt"
	"io/fs"

	"github.com/popterm/popterm/cache"
	"github.com/popterm/popterm/config"
)

// Counts reads an account's counts from its store, read-only and without
// its lock (the reader or another popterm may hold it), for the account
// switcher; a store never synced counts nothing (and is not created).
func Counts(ctx context.Context, acct *config.Account) (Stats, error) {
	st, err := cache.Open(acct.StoreDir, cache.Options{ReadOnly: true})
	if errors.Is(err, fs.ErrNotExist) {
		return Stats{}, nil
	}
	if err != nil {
		return Stats{}, classified(fmt.Errorf("count messages of %s: %w", acct.Name, err))
	}
	defer st.Close()
	c, err := st.Stats(ctx)
	if err != nil {
		return Stats{}, classified(err)
	}
	return Stats(c), nil
}

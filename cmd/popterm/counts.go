package main

import (
	"context"
	"fmt"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/mailbox"
	"github.com/popterm/popterm/ui"
)

// accountCounts reads an account's counts for the switcher
// (mailbox.Counts).
func accountCounts(ctx context.Context, cfg *config.Config, name string) (mailbox.Stats, error) {
	acct, err := cfg.Account(name)
	if err != nil {
		return mailbox.Stats{}, err
	}
	return mailbox.Counts(ctx, acct)
}

// openFolder opens a local folder of the account (or folder) the reader
// shows, for the folder switcher.
func openFolder(current ui.Engine, name string) (ui.Engine, error) {
	opener, ok := current.(interface {
		OpenFolder(name string) (*mailbox.Folder, error)
	})
	if !ok {
		return nil, fmt.Errorf("open folder %s: this view has no local folders", name)
	}
	f, err := opener.OpenFolder(name)
	if err != nil {
		return nil, err
	}
	return f, nil
}

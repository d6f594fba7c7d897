package main

import (
	"context"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/mailapi"
	"github.com/popterm/popterm/mailbox"
)

// probeAccount is the engine's probe (mailbox.Probe: the dial and login of
// every sync) with a password given on the command line or typed in the
// setup form, or the account's token command. It is the form's ProbeFunc
// and `account add`'s test.
func probeAccount(ctx context.Context, a config.Account, password string) (mailapi.ProbeResult, error) {
	return mailbox.Probe(ctx, &a, mailbox.Credentials{
		Password: func(context.Context) (string, error) { return password, nil },
		Token:    func(ctx context.Context) (string, error) { return config.Token(ctx, &a) },
	})
}

package setup

import (
	"context"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/mailapi"
)

// ProbeFunc connects to the account's server, asks CAPA, logs in with
// password and quits. The form runs it in a tea.Cmd; popterm passes the
// engine's probe (mailbox.Probe).
type ProbeFunc func(ctx context.Context, a config.Account, password string) (mailapi.ProbeResult, error)

// SaveFunc stores the account in the config and the password in the
// keyring. The form runs it in a tea.Cmd.
type SaveFunc func(a config.Account, password string) error

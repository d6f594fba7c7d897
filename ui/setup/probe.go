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

// SubmitProbeFunc connects to the account's submission server (a.SMTP) as
// a flush would, logs in with password (or the account's token) and quits
// without sending. popterm passes the engine's outbox probe.
type SubmitProbeFunc func(ctx context.Context, a config.Account, password string) (mailapi.SubmitProbeResult, error)

// SaveFunc stores the account in the config and the password in the
// keyring. The form runs it in a tea.Cmd.
type SaveFunc func(a config.Account, password string) error

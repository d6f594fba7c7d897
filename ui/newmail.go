package ui

import (
	"context"
	"os/exec"
	"slices"
	"strconv"
	"strings"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/popterm/popterm/mailapi"
	"github.com/popterm/popterm/message"
)

// notifyTimeout bounds a notify_cmd run.
const notifyTimeout = 30 * time.Second

// newMailMsg names the newest of the messages a sync brought.
type newMailMsg struct {
	session       int
	count         int
	from, subject string
}

// notifiedMsg reports a notify_cmd run.
type notifiedMsg struct{ err error }

// watchNewMail notices a sync that brought new mail and, when the bell or
// notify_cmd is on, reads the newest of the new messages in a command.
// Store IDs only grow, so a sync's new messages are the highest IDs.
func (m App) watchNewMail(msg tea.Msg) tea.Cmd {
	d, ok := msg.(syncDoneMsg)
	if !ok || d.session != m.session || d.err != nil || d.res.New <= 0 {
		return nil
	}
	if !m.opts.UI.Bell && m.opts.UI.NotifyCmd == "" {
		return nil
	}
	ctx, eng, session, n := m.ctx, m.acct.Engine, m.session, d.res.New
	return func() tea.Msg {
		out := newMailMsg{session: session, count: n}
		rows, err := eng.List(ctx, mailapi.Query{})
		if err != nil || len(rows) == 0 {
			return out // the bell still rings
		}
		ids := make([]int64, len(rows))
		for i := range rows {
			ids[i] = rows[i].ID
		}
		slices.Sort(ids)
		lowest := ids[max(len(ids)-n, 0)]
		var first *mailapi.Summary // the newest new one, in the list order
		for i := range rows {
			if r := &rows[i]; r.ID >= lowest && (first == nil || r.CompareNewest(first) < 0) {
				first = r
			}
		}
		out.from, out.subject = message.SenderLabel(first.From, first.FromName), first.Subject
		return out
	}
}

// newMail rings the bell and runs notify_cmd.
func (m App) newMail(msg newMailMsg) (tea.Model, tea.Cmd) {
	if msg.session != m.session {
		return m, nil
	}
	var cmds []tea.Cmd
	if m.opts.UI.Bell {
		cmds = append(cmds, tea.Raw("\a"))
	}
	if argv := strings.Fields(m.opts.UI.NotifyCmd); len(argv) > 0 {
		args := append(argv[1:], strconv.Itoa(msg.count), notifyArg(msg.from), notifyArg(msg.subject))
		ctx := m.ctx
		cmds = append(cmds, func() tea.Msg {
			ctx, cancel := context.WithTimeout(ctx, notifyTimeout)
			defer cancel()
			// No shell, no terminal: output is dropped so it cannot draw
			// over the reader.
			return notifiedMsg{err: exec.CommandContext(ctx, argv[0], args...).Run()}
		})
	}
	return m, tea.Batch(cmds...)
}

// notifyArg makes mail text safe as a notify_cmd argument: one sanitized
// line that cannot pass for an option.
func notifyArg(s string) string {
	s = message.SanitizeLine(s)
	if strings.HasPrefix(s, "-") {
		s = " " + s
	}
	return s
}

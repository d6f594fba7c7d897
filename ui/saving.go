package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os/exec"
	"strings"
	"unicode/utf8"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/popterm/popterm/mailapi"
	"github.com/popterm/popterm/message"
)

// Saver copies messages out of the index (mailbox.Engine implements it).
type Saver interface {
	// Save copies messages to a local folder by name or to a path (an
	// mbox file or a Maildir) and says where they went.
	Save(ctx context.Context, ids []int64, target string) (string, error)
	// Folders lists the local folders.
	Folders() ([]string, error)
}

// maxPipeOutput bounds what the pager keeps of a piped command's output.
const maxPipeOutput = 4 << 20

// foldersMsg carries the local folders, to open the save prompt with.
type foldersMsg struct {
	session int
	ids     []int64
	folders []string
	err     error
}

// messagesSavedMsg reports a save.
type messagesSavedMsg struct {
	session int
	n       int
	where   string
	err     error
}

// pipedMsg carries a piped command's output.
type pipedMsg struct {
	session int
	command string
	out     []byte
	cut     bool // the output was longer than maxPipeOutput
	err     error
}

// actionIDs are the messages s and | act on: the one shown in the pager,
// else the index's selection.
func (m App) actionIDs() []int64 {
	if s, ok := m.current(); ok {
		return []int64{s.ID}
	}
	return nil
}

// askSave lists the folders (in a command), then asks where to save ids.
func (m App) askSave(ids []int64) (tea.Model, tea.Cmd) {
	if len(ids) == 0 {
		return m, nil
	}
	eng, session := m.acct.Engine, m.session
	return m, func() tea.Msg {
		folders, err := eng.Folders()
		return foldersMsg{session: session, ids: ids, folders: folders, err: err}
	}
}

// saveFolders opens the save prompt, naming the existing folders.
func (m App) saveFolders(msg foldersMsg) (tea.Model, tea.Cmd) {
	if msg.session != m.session {
		return m, nil
	}
	names := make([]string, len(msg.folders))
	for i, f := range msg.folders {
		names[i] = message.SanitizeLine(f)
	}
	// The prompt line is all the user sees while typing: the folders go
	// into its label, as many as fit with 24 cells left for typing.
	label := "Save " + plural(len(msg.ids), "message") + " to a folder or /path"
	if list, room := strings.Join(names, ", "), m.width-stringWidth(label)-24-5; list != "" && room >= 8 {
		label += " (" + fit(list, min(stringWidth(list), room)) + ")"
	}
	label += ": "
	m.pending, m.folders = msg.ids, msg.folders
	m.prompt = ask(promptSaveMessage, label, m.lastSave, m.width)
	return m, nil
}

// saveMessages copies ids to target in a command.
func (m App) saveMessages(ids []int64, target string) tea.Cmd {
	ctx, eng, session := m.ctx, m.acct.Engine, m.session
	return func() tea.Msg {
		where, err := eng.Save(ctx, ids, target)
		return messagesSavedMsg{session: session, n: len(ids), where: where, err: err}
	}
}

// askPipe asks for the command to pipe ids to.
func (m App) askPipe(ids []int64) (tea.Model, tea.Cmd) {
	if len(ids) == 0 {
		return m, nil
	}
	m.pending = ids
	m.prompt = ask(promptPipe, "Pipe "+plural(len(ids), "message")+" to command: ", m.lastPipe, m.width)
	return m, nil
}

// pipeMessages runs command with `sh -c`, the raw messages (one after the
// other, each ending in a newline) on its standard input, and collects its
// output and errors. The messages are never put on the command line.
func pipeMessages(ctx context.Context, eng Engine, session int, ids []int64, command string) tea.Cmd {
	return func() tea.Msg {
		pr, pw := io.Pipe()
		go func() {
			var err error
			for _, id := range ids {
				if err = copyBody(ctx, eng, id, pw); err != nil {
					break
				}
			}
			pw.CloseWithError(err)
		}()
		cmd := exec.CommandContext(ctx, "sh", "-c", command)
		cmd.Stdin = pr
		out := &capped{max: maxPipeOutput}
		cmd.Stdout, cmd.Stderr = out, out
		err := cmd.Run()
		pr.Close()
		return pipedMsg{session: session, command: command, out: out.buf.Bytes(), cut: out.more, err: err}
	}
}

// copyBody writes one raw message to w, ending in a newline.
func copyBody(ctx context.Context, eng Engine, id int64, w io.Writer) error {
	rc, err := eng.Body(ctx, id)
	if err != nil {
		return fmt.Errorf("message %d: %w", id, err)
	}
	defer rc.Close()
	var last [1]byte
	n, err := io.Copy(io.MultiWriter(w, lastByte(last[:])), rc)
	if err == nil && n > 0 && last[0] != '\n' {
		_, err = w.Write([]byte{'\n'})
	}
	return err
}

// lastByte is a writer that remembers the last byte written.
type lastByte []byte

func (l lastByte) Write(p []byte) (int, error) {
	if len(p) > 0 {
		l[0] = p[len(p)-1]
	}
	return len(p), nil
}

// capped keeps the first max bytes written and drops the rest.
type capped struct {
	buf  bytes.Buffer
	max  int
	more bool
}

func (c *capped) Write(p []byte) (int, error) {
	if room := c.max - c.buf.Len(); room < len(p) {
		c.more = true
		c.buf.Write(p[:max(room, 0)])
		return len(p), nil
	}
	return c.buf.Write(p)
}

// showOutput shows a piped command's output in the output pager.
func (m App) showOutput(msg pipedMsg) (tea.Model, tea.Cmd) {
	if msg.session != m.session {
		return m, nil
	}
	text := strings.TrimRight(string(msg.out), "\n")
	var lines []message.Line
	if text != "" {
		for _, l := range strings.Split(text, "\n") {
			lines = append(lines, message.Line{Text: message.SanitizeLine(l)})
		}
	}
	if msg.cut {
		lines = append(lines, message.Line{Text: fmt.Sprintf("[output cut at %s]", formatSize(maxPipeOutput)), Kind: message.LineQuote, QuoteLevel: 1})
	}
	var exit *exec.ExitError
	switch {
	case errors.As(msg.err, &exit):
		lines = append(lines, message.Line{Text: "[" + message.SanitizeLine(exit.Error()) + "]", Kind: message.LineQuote, QuoteLevel: 1})
	case msg.err != nil:
		m.status.Fail(sentence("Could not pipe the message", msg.err))
		return m, nil
	case len(lines) == 0:
		lines = append(lines, message.Line{Text: "[no output]", Kind: message.LineQuote, QuoteLevel: 1})
	}
	title := "| " + message.SanitizeLine(msg.command)
	m.output.Load(mailapi.Summary{Subject: title, Seen: true})
	m.output.SetMessage(&message.Message{Summary: message.Summary{Subject: title}, Body: lines}, nil)
	m.outputBack = m.screen
	m.screen = screenOutput
	return m, nil
}

// OutputHelp is the help of a piped command's output.
func (k KeyMap) OutputHelp() help.KeyMap {
	return keyHelp{
		short: []key.Binding{hint("back", k.Back), hint("page", k.PageDown), hint("up", k.Up), hint("down", k.Down)},
		full:  [][]key.Binding{{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom, k.Back}},
	}
}

// outputKey scrolls the command output; back returns where it came from.
func (m App) outputKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	switch {
	case key.Matches(k, m.keys.Back):
		m.screen = m.outputBack
		return m, nil
	}
	var cmd tea.Cmd
	m.output, cmd = m.output.Update(k)
	return m, cmd
}

// completeFolder is Tab in the save prompt: the typed text completed to
// the longest prefix shared by the local folders it starts (the folders
// themselves listed when there are several).
func (m App) completeFolder() App {
	typed := m.prompt.Value()
	prefix, eq := strings.CutPrefix(typed, "=")
	var matches []string
	for _, f := range m.folders {
		if strings.HasPrefix(strings.ToLower(f), strings.ToLower(prefix)) {
			matches = append(matches, f)
		}
	}
	if len(matches) == 0 {
		return m
	}
	common := matches[0]
	for _, f := range matches[1:] {
		for !strings.HasPrefix(f, common) {
			_, size := utf8.DecodeLastRuneInString(common)
			common = common[:len(common)-size]
		}
	}
	if len(common) < len(prefix) {
		common = typed // only case differs: keep what was typed
	} else if eq {
		common = "=" + common
	}
	m.prompt.input = newLineInput(common, false)
	return m
}

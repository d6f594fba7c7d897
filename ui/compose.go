package ui

import (
	"errors"
	"fmt"
	"io"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"strings"

	"charm.land/bubbles/v2/key"
	tea "charm.land/bubbletea/v2"

	"github.com/popterm/popterm/mailapi"
	"github.com/popterm/popterm/message"
	"github.com/popterm/popterm/message/compose"
)

// Writing mail: m, r, R and f open $VISUAL (else $EDITOR, else vi) on a
// private temporary file; the compose screen then sends (into the outbox
// first, durably), edits again, attaches, postpones or cancels.

// maxOriginal bounds the message read to quote or forward, and maxAttach a
// file attached.
const (
	maxOriginal = 64 << 20
	maxAttach   = 32 << 20
)

// composeModel is the message being written.
type composeModel struct {
	draft  *compose.Draft
	path   string // the temporary file the editor edits (0600)
	edited bool   // the editor changed the body once: the compose screen shows
	broken string // the file does not parse: e edits it as it is
	back   screen // where the reader returns after sending or cancelling
	busy   bool   // being queued or saved: the screen waits for the answer
	sel    int    // the attachment D removes (j/k move)
	// replaces is the Drafts message this one was resumed from (0: none):
	// it is removed once the new copy is queued or saved.
	replaces int64
}

// Messages of writing.
type (
	// draftMsg carries the draft of a reply or forward (or an error).
	draftMsg struct {
		session int
		draft   *compose.Draft
		resumed int64 // the Drafts message resumed (0: none); sending it unchanged is fine
		err     error
	}
	// editorDoneMsg is the editor's exit.
	editorDoneMsg struct{ err error }
	// queuedMsg says the message is in the outbox (or why not), and why
	// the draft it was resumed from could not be removed.
	queuedMsg struct {
		session int
		err     error
		dropErr error
	}
	// draftSavedMsg says the message is in Drafts (or why not), and why
	// the draft it was resumed from could not be removed.
	draftSavedMsg struct {
		session int
		err     error
		dropErr error
	}
	// flushedMsg is the end of an outbox flush.
	flushedMsg struct {
		session int
		res     mailapi.Flushed
		err     error
	}
	// outboxCountMsg is how many messages the outbox holds.
	outboxCountMsg struct {
		session int
		n       int
	}
	// attachedMsg carries a file read to attach.
	attachedMsg struct {
		name string
		data []byte
		err  error
	}
)

// composeKey starts writing for m, r, R and f (index and pager).
func (m App) composeKey(k tea.KeyPressMsg) (_ tea.Model, _ tea.Cmd, handled bool) {
	var kind string
	switch {
	case key.Matches(k, m.keys.Compose):
		kind = "new"
	case key.Matches(k, m.keys.Reply):
		kind = "reply"
	case key.Matches(k, m.keys.ReplyAll):
		kind = "all"
	case key.Matches(k, m.keys.Forward):
		kind = "forward"
	default:
		return m, nil, false
	}
	nm, cmd := m.write(kind)
	return nm, cmd, true
}

// write starts a message of a kind: new, reply, all (reply to all),
// forward, or resume (the draft selected in Drafts).
func (m App) write(kind string) (tea.Model, tea.Cmd) {
	if m.mailer == nil {
		m.status.Notify("Writing mail is not available here.")
		return m, nil
	}
	from, sig, err := m.mailer.Sender()
	if err != nil {
		m.status.Fail(sentence("Cannot write mail", err))
		return m, nil
	}
	id := compose.Identity{From: from, Signature: sig}
	if kind == "new" {
		return m.startCompose(compose.New(id), 0)
	}
	msgID := m.pager.ID()
	if m.screen == screenIndex {
		row, ok := m.index.Selected()
		if !ok {
			m.status.Notify("No message selected.")
			return m, nil
		}
		msgID = row.ID
	}
	m.status.Notify("Reading the message…")
	eng, session := m.acct.Engine, m.session
	return m, func() tea.Msg {
		rc, err := eng.Body(m.ctx, msgID)
		if err != nil {
			return draftMsg{session: session, err: err}
		}
		defer rc.Close()
		raw, err := io.ReadAll(io.LimitReader(rc, maxOriginal))
		if err != nil {
			return draftMsg{session: session, err: err}
		}
		var d *compose.Draft
		switch kind {
		case "forward":
			d, err = compose.Forward(raw, id, false)
		case "resume":
			d, err = compose.Resume(raw, id)
		default:
			d, err = compose.Reply(raw, id, kind == "all")
		}
		msg := draftMsg{session: session, draft: d, err: err}
		if kind == "resume" {
			msg.resumed = msgID
		}
		return msg
	}
}

// startCompose writes the draft to a private temporary file and runs the
// editor on it.
// A resumed draft counts as edited: it may be sent as it is.
func (m App) startCompose(d *compose.Draft, resumed int64) (tea.Model, tea.Cmd) {
	f, err := os.CreateTemp("", "popterm-compose-*.txt") // mode 0600
	if err != nil {
		m.status.Fail(sentence("Could not write the message file", err))
		return m, nil
	}
	f.Close()
	back := m.screen
	if back == screenCompose {
		back = screenIndex
	}
	m.comp = composeModel{draft: d, path: f.Name(), back: back, edited: resumed != 0, replaces: resumed}
	return m.runEditor()
}

// runEditor rewrites the file from the draft (unless it does not parse:
// then the user fixes it as it is) and hands the terminal to the editor.
func (m App) runEditor() (tea.Model, tea.Cmd) {
	if m.comp.broken == "" {
		if err := os.WriteFile(m.comp.path, []byte(compose.EditText(m.comp.draft)), 0o600); err != nil {
			m.status.Fail(sentence("Could not write the message file", err))
			return m, nil
		}
	}
	run := m.opts.execProcess
	if run == nil {
		run = tea.ExecProcess
	}
	return m, run(editorCommand(m.comp.path), func(err error) tea.Msg { return editorDoneMsg{err: err} })
}

// editorCommand is $VISUAL, else $EDITOR, else vi, split into words (no
// shell), with the file as its own argument.
func editorCommand(path string) *exec.Cmd {
	argv := strings.Fields(os.Getenv("VISUAL"))
	if len(argv) == 0 {
		argv = strings.Fields(os.Getenv("EDITOR"))
	}
	if len(argv) == 0 {
		argv = []string{"vi"}
	}
	return exec.Command(argv[0], append(argv[1:], path)...)
}

// edited reads the file back after the editor: an unchanged new message
// is cancelled, as mutt does; a changed one opens the compose screen.
func (m App) edited(msg editorDoneMsg) (tea.Model, tea.Cmd) {
	if m.comp.draft == nil {
		return m, nil
	}
	if msg.err != nil {
		m.status.Fail(sentence("The editor failed (set $VISUAL or $EDITOR)", msg.err))
		if !m.comp.edited {
			return m.endCompose(), nil
		}
		return m, nil
	}
	text, err := os.ReadFile(m.comp.path)
	if err != nil {
		m.status.Fail(sentence("Could not read the message file", err))
		return m, nil
	}
	d, err := compose.ParseEdited(m.comp.draft, string(text))
	switch {
	case errors.Is(err, compose.ErrUnchanged) && !m.comp.edited:
		m = m.endCompose()
		m.status.Notify("Not sent: the message was not changed.")
		return m, nil
	case errors.Is(err, compose.ErrUnchanged), err == nil:
		m.comp.draft, m.comp.edited, m.comp.broken = d, true, ""
	default:
		m.comp.edited, m.comp.broken = true, message.SanitizeLine(err.Error())
		m.status.Fail(sentence("The message does not read right (e edits it again)", err))
	}
	m.screen = screenCompose
	// The whole screen again: the editor drew over it.
	return m, tea.ClearScreen
}

// endCompose leaves the compose screen and removes the file.
func (m App) endCompose() App {
	if m.comp.path != "" {
		os.Remove(m.comp.path)
	}
	if m.screen == screenCompose {
		m.screen = m.comp.back
	}
	m.comp = composeModel{}
	return m
}

// composeScreenKey handles the compose screen's keys.
func (m App) composeScreenKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	if m.comp.busy {
		return m, nil
	}
	switch {
	case key.Matches(k, m.keys.Send):
		return m.send()
	case key.Matches(k, m.keys.EditMessage):
		return m.runEditor()
	case key.Matches(k, m.keys.Attach):
		m.prompt = ask(promptAttach, "Attach: ", "", m.width)
	case key.Matches(k, m.keys.Down):
		m.comp.sel = min(m.comp.sel+1, max(len(m.comp.draft.Attachments)-1, 0))
	case key.Matches(k, m.keys.Up):
		m.comp.sel = max(m.comp.sel-1, 0)
	case key.Matches(k, m.keys.Detach):
		list := m.comp.draft.Attachments
		if len(list) == 0 {
			m.status.Notify("There is no attachment to remove.")
			return m, nil
		}
		i := min(m.comp.sel, len(list)-1)
		name := list[i].Name
		m.comp.draft.Attachments = append(list[:i:i], list[i+1:]...)
		m.comp.sel = max(min(i, len(m.comp.draft.Attachments)-1), 0)
		m.status.Notify("Removed " + message.SanitizeLine(name) + ".")
	case key.Matches(k, m.keys.EditTo):
		m.prompt = ask(promptTo, "To: ", compose.FormatAddresses(m.comp.draft.To), m.width)
	case key.Matches(k, m.keys.EditCc):
		m.prompt = ask(promptCc, "Cc: ", compose.FormatAddresses(m.comp.draft.Cc), m.width)
	case key.Matches(k, m.keys.Postpone):
		return m.postpone()
	case key.Matches(k, m.keys.Back):
		m.prompt = confirmPrompt(promptKeepDraft, "Cancel this message. Keep a draft in Drafts?", m.width)
	case key.Matches(k, m.keys.Help):
		m.showHelp()
	}
	return m, nil
}

// build makes the message of the compose screen.
func (m App) build() (*compose.Built, error) {
	if m.comp.broken != "" {
		return nil, errors.New(m.comp.broken)
	}
	return compose.Build(m.comp.draft, &compose.Options{Now: m.now})
}

// send queues the message (durably, in a command) and then flushes.
func (m App) send() (tea.Model, tea.Cmd) {
	b, err := m.build()
	if err != nil {
		m.status.Fail(sentence("Not sent", err))
		return m, nil
	}
	mailer, session, old := m.mailer, m.session, m.comp.replaces
	m.comp.busy = true // the text stays until the outbox has it
	m.status.Notify("Queuing…")
	return m, func() tea.Msg {
		if err := mailer.QueueMessage(b.Raw, b.From, b.Recipients); err != nil {
			return queuedMsg{session: session, err: err}
		}
		return queuedMsg{session: session, dropErr: dropReplaced(mailer, old)}
	}
}

// postpone keeps the message in Drafts.
func (m App) postpone() (tea.Model, tea.Cmd) {
	raw, err := m.draftBytes()
	if err != nil {
		m.status.Fail(sentence("Could not postpone", err))
		return m, nil
	}
	mailer, session, old := m.mailer, m.session, m.comp.replaces
	m.comp.busy = true // the text stays until Drafts has it
	return m, func() tea.Msg {
		if err := mailer.SaveDraft(raw); err != nil {
			return draftSavedMsg{session: session, err: err}
		}
		return draftSavedMsg{session: session, dropErr: dropReplaced(mailer, old)}
	}
}

// dropReplaced removes the Drafts message old (0: none) that a message
// now safely queued or saved was resumed from.
func dropReplaced(mailer Mailer, old int64) error {
	if old == 0 {
		return nil
	}
	return mailer.DropDraft(old)
}

// draftBytes is the message as a draft: built when it can be, else (no
// recipient yet, or a file that does not parse) the edited text as it is.
func (m App) draftBytes() ([]byte, error) {
	if m.comp.broken == "" {
		if b, err := compose.Build(m.comp.draft, &compose.Options{Now: m.now, Draft: true}); err == nil {
			return b.Raw, nil
		}
	}
	text, err := os.ReadFile(m.comp.path)
	if err != nil {
		return nil, err
	}
	d := &compose.Draft{From: m.comp.draft.From, Subject: m.comp.draft.Subject, Body: string(text),
		To: []*mail.Address{m.comp.draft.From}}
	b, err := compose.Build(d, &compose.Options{Now: m.now})
	if err != nil {
		return nil, err
	}
	return b.Raw, nil
}

// composePrompt acts on the compose screen's prompts.
func (m App) composePrompt(p promptModel) (_ tea.Model, _ tea.Cmd, handled bool) {
	switch p.kind {
	case promptAttach:
		path := expandHome(strings.TrimSpace(p.Value()))
		if p.cancelled || path == "" {
			return m, nil, true
		}
		return m, readAttachment(path), true
	case promptTo, promptCc:
		if p.cancelled {
			return m, nil, true
		}
		l, err := compose.ParseAddresses(p.Value())
		if err != nil {
			m.status.Fail(sentence("Not changed", err))
			return m, nil, true
		}
		if p.kind == promptTo {
			m.comp.draft.To = l
		} else {
			m.comp.draft.Cc = l
		}
		return m, nil, true
	case promptKeepDraft:
		switch {
		case p.cancelled:
			return m, nil, true
		case p.yes:
			nm, cmd := m.postpone()
			return nm, cmd, true
		}
		m = m.endCompose()
		m.status.Notify("Message cancelled.")
		return m, nil, true
	}
	return m, nil, false
}

// expandHome expands a leading ~/.
func expandHome(p string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			return filepath.Join(home, rest)
		}
	}
	return p
}

// readAttachment reads a file to attach, bounded, in a command.
func readAttachment(path string) tea.Cmd {
	return func() tea.Msg {
		f, err := os.Open(path)
		if err != nil {
			return attachedMsg{err: err}
		}
		defer f.Close()
		data, err := io.ReadAll(io.LimitReader(f, maxAttach+1))
		if err == nil && len(data) > maxAttach {
			err = fmt.Errorf("%s is over 32 MB, more than mail servers take", path)
		}
		return attachedMsg{name: filepath.Base(path), data: data, err: err}
	}
}

// completePath completes the attach prompt's path to the longest common
// prefix of the files it may name.
func (m App) completePath() App {
	typed := m.prompt.Value()
	matches, _ := filepath.Glob(expandHome(typed) + "*")
	if len(matches) == 0 {
		return m
	}
	common := matches[0]
	for _, s := range matches[1:] {
		for !strings.HasPrefix(s, common) {
			common = common[:len(common)-1]
		}
	}
	if len(matches) == 1 {
		if fi, err := os.Stat(common); err == nil && fi.IsDir() {
			common += string(filepath.Separator)
		}
	}
	if strings.HasPrefix(typed, "~/") {
		if home, err := os.UserHomeDir(); err == nil {
			common = "~" + strings.TrimPrefix(common, home)
		}
	}
	m.prompt.input = newLineInput(common, false)
	return m
}

// composeData handles the messages of writing.
func (m App) composeData(msg tea.Msg) (_ tea.Model, _ tea.Cmd, handled bool) {
	switch msg := msg.(type) {
	case draftMsg:
		if msg.session != m.session {
			return m, nil, true
		}
		if msg.err != nil {
			m.status.Fail(sentence("Could not read the message to answer", msg.err))
			return m, nil, true
		}
		m.status.Notify("")
		if msg.resumed != 0 {
			m.status.Notify("Resumed; the draft leaves Drafts when this is sent or postponed.")
		}
		nm, cmd := m.startCompose(msg.draft, msg.resumed)
		return nm, cmd, true
	case editorDoneMsg:
		nm, cmd := m.edited(msg)
		return nm, cmd, true
	case attachedMsg:
		if msg.err != nil {
			m.status.Fail(sentence("Could not attach", msg.err))
		} else if m.comp.draft != nil {
			m.comp.draft.Attachments = append(m.comp.draft.Attachments, compose.Attachment{Name: msg.name, Data: msg.data})
			m.status.Notify("Attached " + message.SanitizeLine(msg.name) + ".")
		}
		return m, nil, true
	case queuedMsg:
		m.comp.busy = false
		if msg.err != nil {
			m.status.Fail(sentence("Could not queue the message (nothing was sent)", msg.err))
			return m, nil, true
		}
		m = m.endCompose()
		m.status.Notify("Queued; sending…")
		if msg.dropErr != nil {
			m.status.Fail(sentence("Queued, but the old draft stays in Drafts", msg.dropErr))
		}
		m.status.outbox++
		return m, tea.Batch(m.flush(true), m.reloadDrafts()), true
	case draftSavedMsg:
		m.comp.busy = false
		if msg.err != nil {
			m.status.Fail(sentence("Could not save the draft", msg.err))
			return m, nil, true
		}
		m = m.endCompose()
		m.status.Notify("Postponed to Drafts.")
		if msg.dropErr != nil {
			m.status.Fail(sentence("Postponed, but the old copy stays in Drafts", msg.dropErr))
		}
		return m, m.reloadDrafts(), true
	case flushedMsg:
		m.status.sending = false
		if msg.session == m.session {
			m.flushed(msg.res, msg.err)
		}
		return m, nil, true
	case outboxCountMsg:
		if msg.session == m.session {
			m.status.outbox = msg.n
		}
		return m, nil, true
	}
	return m, nil, false
}

// reloadDrafts reads the Drafts folder again when it is shown: a message
// queued or postponed changed it.
func (m *App) reloadDrafts() tea.Cmd {
	if m.folder != "Drafts" {
		return nil
	}
	return m.reload()
}

// flush submits the outbox in a command; the screen stays usable.
func (m *App) flush(force bool) tea.Cmd {
	if m.mailer == nil || m.status.sending {
		return nil
	}
	m.status.sending = true
	mailer, session, ctx := m.mailer, m.session, m.ctx
	return func() tea.Msg {
		res, err := mailer.FlushOutbox(ctx, force)
		return flushedMsg{session: session, res: res, err: err}
	}
}

// flushed shows what a flush did: the count left, and why one did not go.
func (m *App) flushed(res mailapi.Flushed, err error) {
	m.status.sending = false
	if err != nil {
		m.status.Fail(sentence("Could not send", err))
		return
	}
	m.status.Notify("")
	m.flushedBySync(res)
}

// countOutbox reads the outbox's size in a command.
func (m App) countOutbox() tea.Cmd {
	if m.mailer == nil {
		return nil
	}
	mailer, session := m.mailer, m.session
	return func() tea.Msg {
		n, err := mailer.OutboxCount()
		if err != nil {
			return nil
		}
		return outboxCountMsg{session: session, n: n}
	}
}

// composeView draws the compose screen: headers, attachments and size.
func (m App) composeView(height int) string {
	d := m.comp.draft
	if d == nil {
		return ""
	}
	var lines []string
	field := func(name, value string) {
		lines = append(lines, m.styles.Dim.Render(fmt.Sprintf(" %-9s", name))+message.SanitizeLine(value))
	}
	field("From:", compose.FormatAddresses([]*mail.Address{d.From}))
	field("To:", compose.FormatAddresses(d.To))
	field("Cc:", compose.FormatAddresses(d.Cc))
	field("Bcc:", compose.FormatAddresses(d.Bcc))
	field("Subject:", d.Subject)
	size := len(d.Body)
	lines = append(lines, "")
	if len(d.Attachments) == 0 {
		lines = append(lines, m.styles.Dim.Render(" No attachments (a attaches a file)."))
	}
	for i, a := range d.Attachments {
		size += len(a.Data) * 4 / 3 // base64
		mark := "  "
		if i == m.comp.sel && len(d.Attachments) > 1 {
			mark = "> "
		}
		lines = append(lines, fmt.Sprintf(" %s%d. %s (%s)", mark, i+1, message.SanitizeLine(a.Name), formatSize(int64(len(a.Data)))))
	}
	lines = append(lines, "", fmt.Sprintf(" Size: about %s · %s in the body", sizeText(size), plural(strings.Count(d.Body, "\n"), "line")))
	if m.comp.broken != "" {
		lines = append(lines, "", m.styles.StatusError.Render(" "+m.comp.broken))
	}
	for i := range lines {
		lines[i] = fit(lines[i], m.width)
	}
	for len(lines) < height {
		lines = append(lines, "")
	}
	return strings.Join(lines[:height], "\n")
}

// syncMailer is the mailer a sync of the shown engine flushes first: the
// account's, unless a folder or every account is shown.
func (m App) syncMailer() Mailer {
	if mailer, ok := m.acct.Engine.(Mailer); ok && !m.status.sending {
		return mailer
	}
	return nil
}

// flushedBySync adds what a flush did (before a sync, or after y) to the
// news: the count left, and why a message did not go.
func (m *App) flushedBySync(res mailapi.Flushed) {
	m.status.outbox = res.Queued
	switch {
	case res.Reason != "":
		m.status.Fail(fmt.Sprintf("%s stays in the outbox: %s", plural(res.Queued, "message"), res.Reason))
	case res.Sent > 0:
		m.status.Notify(strings.TrimSpace(m.status.notice + " Sent " + plural(res.Sent, "message") + "."))
	}
}

// sizeText is a message size for people: "730 bytes", "1.2KB".
func sizeText(n int) string {
	if n < 1024 {
		return plural(n, "byte")
	}
	return formatSize(int64(n)) + "B"
}

// keepWriting saves the message being written to Drafts when the reader
// exits (Ctrl-C on the compose screen), so that no text is lost (a resumed
// draft's old copy goes once the new one is saved); the
// farewell says where it is, or where the file stays when it cannot be
// saved.
func (m App) keepWriting() App {
	if m.comp.draft == nil || m.mailer == nil {
		return m
	}
	raw, err := m.draftBytes()
	if err == nil {
		err = m.mailer.SaveDraft(raw)
	}
	if err == nil {
		_ = dropReplaced(m.mailer, m.comp.replaces) // at worst a second copy stays
	}
	if err != nil {
		m.farewell = strings.TrimSpace(m.farewell + " The message being written is still in " + m.comp.path +
			" (" + message.SanitizeLine(err.Error()) + ").")
		m.comp = composeModel{}
		return m
	}
	m.farewell = strings.TrimSpace(m.farewell + " The message being written was kept in Drafts.")
	return m.endCompose()
}

// completeAddress completes the last address typed in the To or Cc prompt
// from the senders of the messages listed (name or address starting with
// it, case-insensitively).
func (m App) completeAddress() App {
	typed := m.prompt.Value()
	cut := strings.LastIndex(typed, ",") + 1
	word := strings.ToLower(strings.TrimSpace(typed[cut:]))
	if word == "" {
		return m
	}
	for _, row := range m.index.rows {
		a, err := mail.ParseAddress(row.From)
		if err != nil || !(strings.HasPrefix(strings.ToLower(a.Address), word) || strings.HasPrefix(strings.ToLower(a.Name), word)) {
			continue
		}
		prefix := typed[:cut]
		if cut > 0 {
			prefix += " "
		}
		m.prompt.input = newLineInput(prefix+message.SanitizeLine(compose.FormatAddresses([]*mail.Address{a})), false)
		return m
	}
	return m
}

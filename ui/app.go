package ui

import (
	"context"
	"fmt"
	"os"
	"strings"
	"time"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/popterm/popterm/mailapi"
	"github.com/popterm/popterm/message"
)

// screen is what the main area shows.
type screen int

const (
	screenIndex screen = iota
	screenPager
	screenAttachments
	screenHelp
	screenAccounts
	screenOutput  // a piped command's output
	screenFolders // the folder switcher
	screenCompose // the message written, before it is sent
)

// App is the reader's root model. It routes messages by screen to plain
// child components and owns everything that crosses screens: the engine,
// syncs, prompts and the status bar.
type App struct {
	opts   Options
	ctx    context.Context
	keys   *KeyMap
	styles *Styles
	dark   bool
	now    func() time.Time
	loc    *time.Location

	acct    Account
	session int // bumped when the account changes

	screen, back screen // back: where help and the switcher return to
	helpTop      int    // the first help line shown
	index        indexModel
	pager        pagerModel
	attach       attachmentsModel
	prompt       promptModel
	status       statusModel
	accountSel   int

	width, height int

	search    string
	searchGen int
	loadedGen int // the generation whose whole list is shown
	// shownList is the load whose rows the index shows (its search and
	// whole count, for the search label). loadCtx bounds the reads of the
	// latest generation and stopLoad cancels them when a newer one starts;
	// typedSearch means a search typed in the prompt waits for the typing
	// to pause (searchPause) before it is read.
	shownList   listTag
	loadCtx     context.Context
	stopLoad    context.CancelFunc
	typedSearch bool

	sync      syncState // the one server operation, and what is queued
	checkGen  int       // the periodic check timer that counts
	password  string
	retry     job         // what a typed password or a new sign-in retries
	signin    signInState // a device sign-in run from the reader
	afterSync string      // news to add to the next sync's result

	lastClick    time.Time
	lastClickRow int

	downloadDir string
	tempFiles   []string
	farewell    string

	// Reader depth: limits, tags, saving, piping, the switcher's counts.
	lastPattern   string                   // the limit pattern typed last
	lastTag       string                   // the tag pattern typed last
	tagNext       bool                     // ; was pressed: the next action applies to the tagged
	pending       []int64                  // the messages the open save or pipe prompt is for
	folders       []string                 // the local folders, for the save prompt's Tab
	lastSave      string                   // the save target typed last
	lastPipe      string                   // the pipe command typed last
	output        pagerModel               // a piped command's output
	outputBack    screen                   // where the output pager returns to
	accountCounts map[string]mailapi.Stats // the switcher's counts, by account
	folder        string                   // the local folder shown, "" for the Inbox
	baseAccount   string                   // the account whose folder is shown
	folderNames   []string                 // the folder switcher's list, Inbox first
	folderSel     int                      // the folder switcher's selection
	unified       *unifiedEngine           // U: every account in one list; nil otherwise

	mailer Mailer       // the account's engine for writing mail; nil when it cannot
	comp   composeModel // the message being written
}

// New builds the reader. Its only I/O is reading the desktop's download
// folder setting when ui.download_dir is unset; the index, counts and first
// sync are loaded by the commands Init returns.
func New(opts Options) App {
	if opts.Context == nil {
		opts.Context = context.Background()
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Location == nil {
		opts.Location = time.Local
	}
	keys := DefaultKeyMap()
	var notices []string
	if err := keys.Override(opts.Keys); err != nil {
		notices = append(notices, sentence("Config", err))
	}
	if err := checkTheme(opts.UI.Theme); err != nil {
		notices = append(notices, sentence("Config", err))
	}
	styles := NewStyles(opts.UI.Theme, true, opts.NoColor)
	m := App{
		opts: opts, ctx: opts.Context, keys: &keys, styles: &styles, dark: true,
		now: opts.Now, loc: opts.Location, acct: opts.Account, lastClickRow: -1, loadedGen: -1,
	}
	m.loadCtx, m.stopLoad = context.WithCancel(m.ctx)
	m.index = newIndex(m.keys, m.styles, m.now, m.loc, opts.UI.DateFormat)
	m.pager = newPager(m.keys, m.styles, m.loc)
	m.output = newPager(m.keys, m.styles, m.loc)
	m.attach = newAttachments(m.keys, m.styles)
	m.status = newStatus(m.styles, m.loc)
	m.status.SetAccount(m.acct.Name, m.acct.ReadOnly)
	m.mailer, _ = m.acct.Engine.(Mailer)
	m.downloadDir = opts.UI.DownloadFolder() // the config's, else the desktop's
	if m.acct.Notice != "" {
		notices = append(notices, m.acct.Notice)
	}
	m.status.Notify(strings.Join(notices, " "))
	return m
}

// autoSyncMsg starts the background sync once the reader runs.
type autoSyncMsg struct{ session int }

// Init asks for the terminal's background, reads the index and counts from
// the store, and starts a background sync that never deletes.
func (m App) Init() tea.Cmd {
	cmds := []tea.Cmd{tea.RequestBackgroundColor, m.load(), m.countOutbox()}
	if !m.opts.NoAutoSync && !m.acct.ReadOnly {
		s := m.session
		cmds = append(cmds, func() tea.Msg { return autoSyncMsg{session: s} })
	}
	return tea.Batch(cmds...)
}

// reload reads the index (for the current search) and the counts again;
// the reads of earlier generations are cancelled and their answers
// dropped (typing a search starts one per key).
func (m *App) reload() tea.Cmd {
	m.nextGen()
	return m.load()
}

// nextGen starts a query generation: the reads of the previous one stop.
func (m *App) nextGen() {
	m.searchGen++
	if m.stopLoad != nil {
		m.stopLoad()
	}
	m.loadCtx, m.stopLoad = context.WithCancel(m.ctx)
	m.typedSearch = false
}

// searchPause is how long typing in the search prompt must pause before
// the search is read, so that a word typed fast is searched once, not once
// per letter; Enter searches at once.
const searchPause = 60 * time.Millisecond

// typedMsg is the pause after a key typed in the search prompt.
type typedMsg struct{ session, gen int }

// searchTyped starts a generation for the search being typed and reads it
// when the typing pauses (see searchPause).
func (m *App) searchTyped() tea.Cmd {
	m.nextGen()
	m.typedSearch = true
	session, gen := m.session, m.searchGen
	return tea.Tick(searchPause, func(time.Time) tea.Msg { return typedMsg{session: session, gen: gen} })
}

// readTyped reads a typed search now, unless it has been read already.
func (m *App) readTyped() tea.Cmd {
	if !m.typedSearch {
		return nil
	}
	m.typedSearch = false
	return m.load()
}

// load reads the index and the counts for the current query generation.
// With no rows shown yet (start, account switch) or for another search,
// the newest page and the whole count come first, and the whole list is
// read after them (see listMsg), so the first screen does not wait for a
// large mailbox nor share the machine with its read.
func (m App) load() tea.Cmd {
	list := loadList(m.loadCtx, m.acct.Engine, m.session, m.searchGen, m.search)
	if m.index.Len() == 0 || m.search != m.shownList.search {
		list = loadPage(m.loadCtx, m.acct.Engine, m.session, m.searchGen, m.search)
	}
	return tea.Batch(list, loadStats(m.ctx, m.acct.Engine, m.session))
}

// Update routes a message: window and data messages first, then keys and
// the mouse to the prompt or the current screen.
func (m App) Update(msg tea.Msg) (tea.Model, tea.Cmd) {
	switch msg := msg.(type) {
	case tea.WindowSizeMsg:
		m.setSize(msg.Width, msg.Height)
		return m, nil
	case tea.BackgroundColorMsg:
		m.dark = msg.IsDark()
		*m.styles = NewStyles(m.opts.UI.Theme, m.dark, m.opts.NoColor)
		m.pager.layout()
		return m, nil
	case spinner.TickMsg:
		var cmd tea.Cmd
		m.status, cmd = m.status.Update(msg)
		return m, cmd
	case tea.KeyPressMsg:
		return m.handleKey(msg)
	case tea.PasteMsg:
		if m.prompt.Active() {
			return m.handlePrompt(msg)
		}
		return m, nil
	case tea.MouseMsg:
		if m.signin.active {
			return m, nil // the sign-in screen has nothing to click
		}
		return m.handleMouse(msg)
	}
	if nm, cmd, ok := m.signInData(msg); ok {
		return nm, cmd
	}
	if nm, cmd, ok := m.composeData(msg); ok {
		return nm, cmd
	}
	if nm, cmd, ok := m.readerData(msg); ok {
		return nm, cmd
	}
	notify := m.watchNewMail(msg)
	nm, cmd := m.handleData(msg)
	return nm, tea.Batch(cmd, notify)
}

// setSize lays the screens out: the main area, a status bar and a hint or
// prompt line.
func (m *App) setSize(w, h int) {
	m.width, m.height = w, h
	main := max(h-2, 1)
	m.index.SetSize(w, main)
	m.pager.SetSize(w, main)
	m.output.SetSize(w, main)
	m.attach.SetSize(w, main)
	m.status.SetSize(w)
	m.prompt.SetWidth(w)
}

// View draws the current screen, the status bar and the bottom lines: the
// prompt, else the latest error or news (up to three lines), else the hints.
func (m App) View() tea.View {
	var v tea.View
	v.AltScreen = true
	v.MouseMode = tea.MouseModeCellMotion
	v.WindowTitle = "popterm: " + message.SanitizeLine(m.acct.Name)
	if m.width <= 0 || m.height <= 0 {
		v.SetContent("")
		return v
	}
	bottom := m.bottomLines()
	main := max(m.height-1-len(bottom), 1)
	// The screens are values: sizing this copy does not change the model.
	m.index.SetSize(m.width, main)
	m.pager.SetSize(m.width, main)
	m.output.SetSize(m.width, main)
	m.attach.SetSize(m.width, main)
	var body string
	switch {
	case m.signin.active:
		body = m.signInView(main)
	case m.screen == screenIndex:
		body = m.index.View()
	case m.screen == screenPager:
		body = m.pager.View()
	case m.screen == screenAttachments:
		body = m.attach.View()
	case m.screen == screenHelp:
		body = helpView(m.helpLines(), m.helpTop, m.width, main)
	case m.screen == screenOutput:
		body = m.output.View()
	case m.screen == screenFolders:
		body = m.foldersView(main)
	case m.screen == screenCompose:
		body = m.composeView(main)
	case m.screen == screenAccounts:
		body = accountsView(m.styles, m.opts.Accounts, m.accountCounts, m.acct.Name, m.accountSel, m.width, main)
	}
	m.status.limit, m.status.tagged = m.index.limitText, len(m.index.tagged)
	frame := body + "\n" + m.status.View(m.now(), m.sync) + "\n" + strings.Join(bottom, "\n")
	if lines := strings.Split(frame, "\n"); len(lines) > m.height {
		frame = strings.Join(lines[:m.height], "\n") // a window too small for the bars
	}
	if m.opts.ASCII {
		frame = ToASCII(frame)
		v.WindowTitle = ToASCII(v.WindowTitle)
	}
	v.SetContent(frame)
	return v
}

// bottomLines are the prompt, the latest message or the hint bar.
func (m App) bottomLines() []string {
	if m.prompt.Active() {
		p := m.prompt.View(m.styles)
		if m.prompt.kind == promptSignIn {
			// Why the question is asked: the refusal stays on screen.
			return append(m.messageLines(), p)
		}
		return []string{p}
	}
	if lines := m.messageLines(); len(lines) > 0 {
		return lines
	}
	return []string{m.hintLine()}
}

// messageLines are the latest message, wrapped to at most three lines.
func (m App) messageLines() []string {
	if text, isErr := m.status.Message(); text != "" {
		style := m.styles.Note
		if isErr {
			style = m.styles.StatusError
		}
		lines := strings.Split(ansi.Wrap(text, max(m.width-1, 1), ""), "\n")
		if len(lines) > 3 {
			lines = lines[:3]
		}
		for i, l := range lines {
			lines[i] = style.Render(fit(" "+l, m.width)) // every line indented like the first
		}
		return lines
	}
	return nil
}

// hintLine is the one-line help of the screen, with the pager's position
// or the active search on the right.
func (m App) hintLine() string {
	h := help.New()
	h.Styles = m.styles.Help
	if m.signin.active {
		return m.styles.Dim.Render(fit(" Waiting for the sign-in · Esc or Ctrl-C cancels", m.width))
	}
	if m.screen == screenHelp {
		hint := " Any key closes the help."
		if len(m.helpLines()) > m.mainHeight() {
			hint = " j/k/space scroll · any other key closes"
		}
		return m.styles.Dim.Render(fit(hint, m.width))
	}
	var right string
	if m.screen == screenPager {
		right = " " + strings.TrimSpace(m.pager.FindStatus()+"  "+m.pager.Position())
	} else if m.screen == screenIndex && m.search != "" {
		right = fmt.Sprintf(" “%s”: %s (Esc clears)", message.SanitizeLine(m.search), m.searchCount())
	}
	rw := stringWidth(right)
	if rw > m.width/2 {
		right, rw = "", 0
	}
	h.SetWidth(max(m.width-rw-1, 1))
	return fit(" "+h.ShortHelpView(m.helpKeys(m.screen).ShortHelp()), m.width-rw) + m.styles.Dim.Render(fit(right, rw))
}

// searchCount is the search label's count: the whole result's when the
// index shows this search's rows (all of them, or the first page with the
// count read beside it), the rows the limit keeps of a whole result, and
// "searching…" until then, so it never disagrees with the rows.
func (m App) searchCount() string {
	l := m.shownList
	switch {
	case l.search != m.search || l.total < 0 || (l.partial && m.index.limit != nil):
		return "searching…"
	case m.index.limit != nil:
		return plural(m.index.Len(), "message")
	}
	return plural(l.total, "message")
}

// helpLines is the help of the screen it was opened from.
func (m App) helpLines() []string {
	return helpLines(m.styles, m.screenName(m.back), m.helpKeys(m.back), m.acct.CheckEvery, m.width)
}

// mainHeight is the height of the main area with one bottom line.
func (m App) mainHeight() int { return max(m.height-2, 1) }

// helpKey scrolls a help longer than the window; any other key closes it.
func (m App) helpKey(k tea.KeyPressMsg) (tea.Model, tea.Cmd) {
	page := max(m.mainHeight()-1, 1)
	last := max(len(m.helpLines())-m.mainHeight(), 0)
	switch {
	case last > 0 && key.Matches(k, m.keys.Down):
		m.helpTop = min(m.helpTop+1, last)
	case last > 0 && key.Matches(k, m.keys.Up):
		m.helpTop = max(m.helpTop-1, 0)
	case last > 0 && key.Matches(k, m.keys.PageDown):
		m.helpTop = min(m.helpTop+page, last)
	case last > 0 && key.Matches(k, m.keys.PageUp):
		m.helpTop = max(m.helpTop-page, 0)
	default:
		m.screen = m.back
	}
	return m, nil
}

// showHelp opens the help of the current screen, from its top.
func (m *App) showHelp() {
	m.back, m.screen, m.helpTop = m.screen, screenHelp, 0
}

// helpKeys is the key map help of a screen.
func (m App) helpKeys(s screen) help.KeyMap {
	switch s {
	case screenPager:
		return m.keys.PagerHelp()
	case screenAttachments:
		return m.keys.AttachmentsHelp()
	case screenOutput:
		return m.keys.OutputHelp()
	case screenCompose:
		return m.keys.ComposeHelp()
	}
	return *m.keys
}

func (m App) screenName(s screen) string {
	switch s {
	case screenPager:
		return "message"
	case screenAttachments:
		return "attachments"
	case screenCompose:
		return "compose"
	}
	return "index"
}

// Farewell is what to print after the reader exits (the result of the
// final commit, or the marks kept), or "".
func (m App) Farewell() string { return m.farewell }

// Account is the account open when the reader exited; the caller closes
// its engine.
func (m App) Account() Account { return m.acct }

// Cleanup removes the temporary files written for external viewers. Call
// it after the program has exited.
func (m App) Cleanup() {
	for _, p := range m.tempFiles {
		os.RemoveAll(p)
	}
}

// renderOptions are the message package options for the pager.
func (m App) renderOptions() message.Options {
	return message.Options{PreferHTML: m.opts.UI.PreferHTML, Location: m.loc}
}

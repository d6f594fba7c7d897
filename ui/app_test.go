package ui

import (
	"context"
	"errors"
	"fmt"
	"image/color"
	"slices"
	"strings"
	"syscall"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/mailapi"
	"github.com/popterm/popterm/message"
)

func TestMarkAndUndelete(t *testing.T) {
	f := newFake()
	h := newHarness(t, f, nil)
	h.keys("d")
	if got := h.selectedID(); got != 7 {
		t.Errorf("d should move down: selected %d", got)
	}
	h.keys("d")
	if got := f.marked(); !slices.Equal(got, []int64{8, 7}) {
		t.Fatalf("marked %v, want [8 7]", got)
	}
	if !strings.Contains(h.screen(), "2 to delete") {
		t.Errorf("status bar does not show the pending marks:\n%s", h.screen())
	}
	if !strings.Contains(h.screen(), " D ") && !strings.Contains(h.screen(), " D+") {
		t.Errorf("no D in the state column:\n%s", h.screen())
	}
	h.keys("k", "u")
	if got := f.marked(); !slices.Equal(got, []int64{8}) {
		t.Errorf("after u: marked %v, want [8]", got)
	}
	if n := h.m.status.Pending(); n != 1 {
		t.Errorf("pending count %d, want 1", n)
	}
	if got := f.syncFlags(); len(got) != 0 {
		t.Errorf("marking must not sync: syncs %v", got)
	}
}

func TestQuitCommitsAfterConfirm(t *testing.T) {
	f := newFake()
	h := newHarness(t, f, nil)
	h.keys("d", "d", "q")
	if !strings.Contains(h.screen(), "Delete 2 messages on the server? [y/N]") {
		t.Fatalf("no confirmation:\n%s", h.screen())
	}
	if h.quit {
		t.Fatal("quit before the answer")
	}
	h.keys("y")
	if got := f.syncFlags(); len(got) != 0 || f.commitCount() != 1 {
		t.Fatalf("syncs %v, %d commits: want one commit and no sync", got, f.commitCount())
	}
	if !h.quit {
		t.Fatal("did not exit after a successful commit")
	}
	if fw := h.m.Farewell(); !strings.Contains(fw, "2 messages deleted on the server") {
		t.Errorf("farewell %q", fw)
	}
	if n := len(f.rows); n != 6 {
		t.Errorf("%d messages left, want 6", n)
	}
}

func TestQuitWithoutConfirmSetting(t *testing.T) {
	f := newFake()
	h := newHarness(t, f, func(o *Options) { o.UI.ConfirmCommit = false })
	h.keys("d", "q")
	if got := f.syncFlags(); len(got) != 0 || f.commitCount() != 1 || !h.quit {
		t.Fatalf("syncs %v, %d commits, quit %v: want an immediate commit and exit", got, f.commitCount(), h.quit)
	}
}

func TestQuitAnswers(t *testing.T) {
	tests := []struct {
		answer   string
		wantQuit bool
	}{
		{"n", true},     // exit, keep marks
		{"enter", true}, // the default is no
		{"esc", false},  // back to the reader
	}
	for _, tt := range tests {
		t.Run(tt.answer, func(t *testing.T) {
			f := newFake()
			h := newHarness(t, f, nil)
			h.keys("d", "q", "j", "x", "space") // slips: the question stays
			if h.quit || h.m.prompt.kind != promptCommitQuit {
				t.Fatalf("a stray key answered the question: quit %v", h.quit)
			}
			h.keys(tt.answer)
			if len(f.syncFlags()) != 0 || f.commitCount() != 0 {
				t.Errorf("answer %q synced or committed", tt.answer)
			}
			if h.quit != tt.wantQuit {
				t.Errorf("quit = %v, want %v", h.quit, tt.wantQuit)
			}
			if got := f.marked(); len(got) != 1 {
				t.Errorf("marks %v, want the one kept", got)
			}
			if h.m.prompt.Active() {
				t.Error("prompt still open")
			}
		})
	}
}

func TestQuitWithoutMarksExits(t *testing.T) {
	f := newFake()
	h := newHarness(t, f, nil)
	h.keys("q")
	if !h.quit || len(f.syncFlags()) != 0 || f.commitCount() != 0 {
		t.Fatalf("quit %v syncs %v commits %d", h.quit, f.syncFlags(), f.commitCount())
	}
}

// TestOneMarkStaysPending: the verb agrees with one mark ("The 1 mark stay
// pending" was a slip).
func TestOneMarkStaysPending(t *testing.T) {
	f := newFake()
	f.commitFn = func(ctx context.Context) (mailapi.CommitResult, error) {
		return mailapi.CommitResult{Pending: 1}, errors.New("quit: connection reset by peer")
	}
	h := newHarness(t, f, nil)
	h.keys("d", "q", "y")
	if !strings.Contains(h.m.status.err, "The mark stays pending:") || strings.Contains(h.m.status.err, "mark stay ") {
		t.Errorf("error %q should say \"The mark stays pending\"", h.m.status.err)
	}
	if got := marksStayPending(3); got != "the 3 marks stay pending" {
		t.Errorf("marksStayPending(3) = %q", got)
	}
}

func TestCommitFailureKeepsMarks(t *testing.T) {
	f := newFake()
	f.commitFn = func(ctx context.Context) (mailapi.CommitResult, error) {
		return mailapi.CommitResult{Pending: 2}, errors.New("quit: connection reset by peer")
	}
	h := newHarness(t, f, nil)
	h.keys("d", "d", "q", "y")
	if h.quit {
		t.Fatal("exited although QUIT failed")
	}
	s := h.screen()
	if !strings.Contains(s, "Could not delete on the server") {
		t.Errorf("no error in the status bar:\n%s", s)
	}
	if !strings.Contains(h.m.status.err, "2 marks stay pending") || !strings.Contains(h.m.status.err, "x exits") {
		t.Errorf("error %q should say the marks stay pending and how to exit", h.m.status.err)
	}
	if got := f.marked(); len(got) != 2 {
		t.Errorf("marks %v lost", got)
	}
	h.keys("x")
	if !h.quit {
		t.Fatal("x did not exit")
	}
	if got := f.syncFlags(); len(got) != 0 || f.commitCount() != 1 {
		t.Errorf("syncs %v, %d commits: want exactly the one failed commit", got, f.commitCount())
	}
	if !strings.Contains(h.m.Farewell(), "2 deletion marks kept") {
		t.Errorf("farewell %q", h.m.Farewell())
	}
}

func TestUnconfirmedQuitKeepsMarks(t *testing.T) {
	f := newFake()
	f.commitFn = func(ctx context.Context) (mailapi.CommitResult, error) {
		return mailapi.CommitResult{Pending: 1, Committed: false}, nil
	}
	h := newHarness(t, f, nil)
	h.keys("d", "q", "y")
	if h.quit {
		t.Fatal("exited although the server did not confirm")
	}
	if !strings.Contains(h.m.status.err, "did not confirm") {
		t.Errorf("status error %q", h.m.status.err)
	}
}

func TestExitWithoutCommit(t *testing.T) {
	f := newFake()
	h := newHarness(t, f, nil)
	h.keys("d", "d", "x")
	if !h.quit {
		t.Fatal("x did not exit")
	}
	if len(f.syncFlags()) != 0 {
		t.Errorf("x synced: %v", f.syncFlags())
	}
	if got := f.marked(); len(got) != 2 {
		t.Errorf("marks %v, want both kept", got)
	}
}

func TestAutoSyncNeverCommits(t *testing.T) {
	f := newFake()
	h := newHarness(t, f, func(o *Options) { o.NoAutoSync = false })
	if got := f.syncFlags(); !slices.Equal(got, []bool{false}) {
		t.Fatalf("start-up syncs %v, want one that does not commit", got)
	}
	if h.m.status.net != netOnline {
		t.Errorf("net state %v after a good sync", h.m.status.net)
	}
}

func TestSyncNowCommits(t *testing.T) {
	f := newFake()
	h := newHarness(t, f, nil)
	h.keys("$")
	if got := f.syncFlags(); !slices.Equal(got, []bool{true}) {
		t.Fatalf("$ syncs %v", got)
	}
	h.keys("d", "$")
	if !strings.Contains(h.screen(), "Delete 1 message on the server? [y/N]") {
		t.Fatalf("$ with a mark should ask:\n%s", h.screen())
	}
	h.keys("n")
	if got := f.syncFlags(); !slices.Equal(got, []bool{true, false}) {
		t.Fatalf("answering no should sync without deleting: %v", got)
	}
	if len(f.marked()) != 1 {
		t.Error("mark lost")
	}
}

// TestLoginDelayIsNotOffline: after a [LOGIN-DELAY] refusal the server did
// answer; the bar says how long it asks to wait instead of "offline".
func TestLoginDelayIsNotOffline(t *testing.T) {
	f := newFake()
	f.syncFn = func(ctx context.Context, o mailapi.SyncOptions) (mailapi.Result, error) {
		return mailapi.Result{}, &mailapi.Error{Kind: mailapi.KindTryLater,
			Msg: "the server refused a login this soon (LOGIN-DELAY); try again after 12:05:00",
			Err: &mailapi.LoginDelayError{Until: fixedNow.Add(4*time.Minute + 10*time.Second), Err: errors.New("-ERR [LOGIN-DELAY] wait")}}
	}
	h := newHarness(t, f, func(o *Options) { o.NoAutoSync = false })
	s := h.screen()
	if !strings.Contains(s, "server asks to wait 5 min") || strings.Contains(s, "offline") {
		t.Errorf("status after a LOGIN-DELAY refusal:\n%s", s)
	}
}

func TestSyncErrorIsASentence(t *testing.T) {
	f := newFake()
	f.syncFn = func(ctx context.Context, o mailapi.SyncOptions) (mailapi.Result, error) {
		return mailapi.Result{}, &mailapi.Error{Kind: mailapi.KindTryLater, Err: fmt.Errorf("dial tcp 127.0.0.1:995: %w", syscall.ECONNREFUSED)}
	}
	h := newHarness(t, f, func(o *Options) { o.NoAutoSync = false })
	if h.m.status.net != netOffline {
		t.Error("not offline after a failed sync")
	}
	if s := h.screen(); !strings.Contains(s, "Sync failed: dial tcp") || !strings.Contains(s, "$ tries again.") ||
		!strings.Contains(s, "offline") {
		t.Errorf("status:\n%s", h.screen())
	}
	if h.m.index.Len() != 8 {
		t.Error("the index should still show the store")
	}
	if h.m.status.err != "" {
		t.Errorf("an unreachable server is a state, not an error: %q", h.m.status.err)
	}
	h.send(tea.WindowSizeMsg{Width: 50, Height: 20})
	lines := strings.Split(h.screen(), "\n")
	for _, l := range lines[len(lines)-3:] {
		if !strings.HasPrefix(l, " ") || strings.HasPrefix(l, "  ") {
			t.Errorf("the wrapped error lines should all be indented by one space: %q", l)
		}
	}
}

// A sync that blocks until cancelled: the first Ctrl-C cancels it, the
// second exits.
func TestCtrlCCancelsSyncThenExits(t *testing.T) {
	f := newFake()
	started := make(chan struct{})
	f.syncFn = func(ctx context.Context, o mailapi.SyncOptions) (mailapi.Result, error) {
		close(started)
		<-ctx.Done()
		return mailapi.Result{}, fmt.Errorf("sync: %w", ctx.Err())
	}
	h := newHarness(t, f, nil)
	done := make(chan tea.Msg, 1)
	h.hold = func(msg tea.Msg) bool {
		if _, ok := msg.(autoSyncMsg); ok {
			nm, cmd := h.m.Update(msg)
			h.m = nm.(App)
			batch := cmd().(tea.BatchMsg)
			go func() { done <- batch[0]() }() // the sync itself
			return true
		}
		return false
	}
	h.send(autoSyncMsg{session: h.m.session})
	<-started
	if h.m.sync.phase != syncSyncing {
		t.Fatal("not syncing")
	}
	h.keys("ctrl+c")
	if h.quit {
		t.Fatal("the first Ctrl-C exited")
	}
	h.hold = nil
	h.send(<-done)
	if h.m.sync.busy() || !strings.Contains(h.m.status.notice, "Sync cancelled; nothing was deleted") {
		t.Errorf("after cancel: state %v notice %q", h.m.sync.phase, h.m.status.notice)
	}
	h.keys("ctrl+c")
	if !h.quit {
		t.Fatal("the second Ctrl-C did not exit")
	}
}

func TestCtrlCWithoutSyncExits(t *testing.T) {
	h := newHarness(t, newFake(), nil)
	h.keys("ctrl+c")
	if !h.quit {
		t.Fatal("Ctrl-C did not exit")
	}
}

func TestSearchLiveAndEsc(t *testing.T) {
	f := newFake()
	h := newHarness(t, f, nil)
	h.keys("/", "type:week")
	if n := h.m.index.Len(); n != 3 {
		t.Fatalf("live search shows %d rows, want 3\n%s", n, h.screen())
	}
	if !slices.Contains(f.searches, "week") {
		t.Errorf("engine searched %v", f.searches)
	}
	h.keys("enter")
	if h.m.prompt.Active() || h.m.search != "week" {
		t.Fatalf("enter should keep the filter: search %q", h.m.search)
	}
	if !strings.Contains(h.screen(), "“week”: 3 messages (Esc clears)") {
		t.Errorf("no search hint:\n%s", h.screen())
	}
	h.keys("esc")
	if n := h.m.index.Len(); n != 8 || h.m.search != "" {
		t.Errorf("esc: %d rows, search %q", n, h.m.search)
	}
	h.keys("/", "type:zzz")
	if !strings.Contains(h.screen(), "No messages match “zzz”") {
		t.Errorf("no empty-result note:\n%s", h.screen())
	}
	h.keys("esc")
	if n := h.m.index.Len(); n != 8 || h.m.prompt.Active() {
		t.Errorf("esc in the prompt: %d rows", n)
	}
}

func TestSearchDropsStaleResults(t *testing.T) {
	h := newHarness(t, newFake(), nil)
	stale := listMsg{session: h.m.session, gen: h.m.searchGen - 1, rows: nil}
	h.send(stale)
	if h.m.index.Len() != 8 {
		t.Fatal("a stale search result replaced the index")
	}
}

func richMessage() *message.Message {
	body := []message.Line{{Text: "Hello Bob,"}, {Text: ""}}
	for i := 1; i <= 40; i++ {
		body = append(body, message.Line{Text: fmt.Sprintf("Line %d of the body with a needle here.", i)})
	}
	body = append(body,
		message.Line{Text: "quoted once", Kind: message.LineQuote, QuoteLevel: 1},
		message.Line{Text: "quoted twice", Kind: message.LineQuote, QuoteLevel: 2},
		message.Line{Text: "-- ", Kind: message.LineSignature},
		message.Line{Text: "Alice", Kind: message.LineSignature},
		message.Line{Text: "[1] https://example.org/lunch", Kind: message.LineLinkRef},
	)
	return &message.Message{
		Summary: message.Summary{
			From:    message.Address{Name: "Alice Martin", Addr: "alice@example.org"},
			To:      []message.Address{{Name: "Bob", Addr: "bob@example.com"}},
			Subject: "Lunch on Friday?",
			Date:    fixedNow.Add(-time.Hour),
		},
		Headers: []message.Header{{Key: "Received", Value: "from mx.example.org"}, {Key: "X-Mailer", Value: "Test 1.0"}},
		Body:    body,
		Attachments: []message.Attachment{
			{Index: 1, Name: "menu.pdf", Type: "application/pdf", Size: 48213},
			{Index: 2, Name: "map.png", Type: "image/png", Size: 120400},
		},
		Links: []message.Link{{Number: 1, URL: "https://example.org/lunch"}},
	}
}

func TestPagerKeys(t *testing.T) {
	f := newFake()
	f.msgs[8] = richMessage()
	h := newHarness(t, f, nil)
	h.keys("enter")
	if h.m.screen != screenPager {
		t.Fatal("enter did not open the pager")
	}
	s := h.screen()
	for _, want := range []string{"From: Alice Martin <alice@example.org>", "Subject: Lunch on Friday?", "Line 1 of the body"} {
		if !strings.Contains(s, want) {
			t.Errorf("pager lacks %q:\n%s", want, s)
		}
	}
	steps := []struct {
		key    string
		offset int
	}{
		{"j", 1}, {"down", 2}, {"k", 1}, {"up", 0}, {"space", 21}, {"-", 0}, {"pgdown", 21}, {"pgup", 0}, {"G", len(h.m.pager.lines) - 22}, {"g", 0},
	}
	for _, st := range steps {
		h.keys(st.key)
		if h.m.pager.offset != st.offset {
			t.Errorf("after %q offset %d, want %d", st.key, h.m.pager.offset, st.offset)
		}
	}
	h.keys("h")
	if s := h.screen(); !strings.Contains(s, "X-Mailer: Test 1.0") {
		t.Errorf("h does not show all headers:\n%s", s)
	}
	h.keys("h", "n")
	if !strings.Contains(h.m.status.notice, "/ finds text") {
		t.Errorf("n before any find: notice %q", h.m.status.notice)
	}
	h.keys("/", "type:needle", "enter")
	if !strings.Contains(h.screen(), "“needle” 1/40") {
		t.Errorf("find status missing:\n%s", h.screen())
	}
	first := h.m.pager.offset
	h.keys("n")
	if h.m.pager.offset != first+1 || !strings.Contains(h.screen(), "“needle” 2/40") {
		t.Errorf("n: offset %d (was %d)", h.m.pager.offset, first)
	}
	h.keys("d")
	if got := f.marked(); !slices.Equal(got, []int64{8}) {
		t.Errorf("d in the pager marked %v", got)
	}
	if h.m.pager.ID() != 7 || h.selectedID() != 7 {
		t.Errorf("d in the pager should go on to the next message, as in the index: shows %d", h.m.pager.ID())
	}
	h.keys("K")
	if !strings.Contains(h.screen(), "Marked for deletion") {
		t.Errorf("pager does not say the message is marked:\n%s", h.screen())
	}
	h.keys("u")
	if len(f.marked()) != 0 {
		t.Error("u in the pager did not clear the mark")
	}
	h.keys("v")
	if h.m.screen != screenAttachments || !strings.Contains(h.screen(), "menu.pdf") {
		t.Fatalf("v did not list attachments:\n%s", h.screen())
	}
	h.keys("j")
	if a, _ := h.m.attach.Selected(); a.Name != "map.png" {
		t.Errorf("j in attachments selected %q", a.Name)
	}
	h.keys("esc")
	if h.m.screen != screenPager {
		t.Fatal("esc did not return to the pager")
	}
	h.keys("J")
	if h.m.pager.ID() != 7 || h.selectedID() != 7 {
		t.Errorf("J opened %d", h.m.pager.ID())
	}
	h.keys("K")
	if h.m.pager.ID() != 8 {
		t.Errorf("K opened %d", h.m.pager.ID())
	}
	h.keys("K")
	if !strings.Contains(h.m.status.notice, "first message") {
		t.Errorf("K at the top: %q", h.m.status.notice)
	}
	h.keys("q")
	if h.m.screen != screenIndex || h.quit {
		t.Fatal("q in the pager should go back, not exit")
	}
}

// d on the last message marks it and stays there, saying so.
func TestPagerDeleteOnLastMessage(t *testing.T) {
	f := newFake()
	h := newHarness(t, f, nil)
	h.keys("G", "enter", "d")
	if got := f.marked(); !slices.Equal(got, []int64{1}) {
		t.Errorf("marked %v", got)
	}
	if h.m.screen != screenPager || h.m.pager.ID() != 1 || !strings.Contains(h.screen(), "Marked for deletion") {
		t.Errorf("should stay on the marked last message:\n%s", h.screen())
	}
	if !strings.Contains(h.m.status.notice, "last message") {
		t.Errorf("notice %q", h.m.status.notice)
	}
	if !strings.Contains(h.screen(), "1 to delete") {
		t.Errorf("status bar does not count the mark:\n%s", h.screen())
	}
}

func TestOpenMarksSeen(t *testing.T) {
	f := newFake()
	h := newHarness(t, f, nil)
	if h.m.status.stats.Unseen != 2 {
		t.Fatalf("unseen %d", h.m.status.stats.Unseen)
	}
	h.keys("enter", "q")
	if h.m.status.stats.Unseen != 1 {
		t.Errorf("unseen %d after opening, want 1", h.m.status.stats.Unseen)
	}
	if r, _ := h.m.index.Selected(); !r.Seen {
		t.Error("row not shown as seen")
	}
}

func TestOfflineOpenShowsHeaders(t *testing.T) {
	f := newFake()
	f.openErr[8] = errors.New("dial tcp: connection refused")
	h := newHarness(t, f, nil)
	h.keys("enter")
	s := h.screen()
	for _, want := range []string{"From: Alice Martin <alice@example.org>", "Subject: Lunch on Friday?", "not downloaded yet", "connection refused"} {
		if !strings.Contains(s, want) {
			t.Errorf("offline pager lacks %q:\n%s", want, s)
		}
	}
}

func TestLoadingShowsSpinnerState(t *testing.T) {
	h := newHarness(t, newFake(), nil)
	nm, _ := h.m.Update(keyPress("enter")) // the fetch command is not run
	m := nm.(App)
	if !m.status.fetching || !m.pager.loading {
		t.Fatal("no fetching state")
	}
	if s := ansiStrip(m.View().Content); !strings.Contains(s, "Fetching the message") || !strings.Contains(s, "fetching") {
		t.Errorf("loading frame:\n%s", s)
	}
}

func TestHelpScreen(t *testing.T) {
	h := newHarness(t, newFake(), nil)
	h.keys("?")
	s := strings.Join(strings.Fields(h.screen()), " ") // wrapped lines joined
	for _, want := range []string{"Help: index", "mark for deletion", "exit, keep marks", "State column", "(in N's place; u brings N back)"} {
		if !strings.Contains(s, want) {
			t.Errorf("help lacks %q", want)
		}
	}
	h.keys("x")
	if h.m.screen != screenIndex || h.quit {
		t.Fatal("any key should close help, not act")
	}
	h.keys("enter", "?")
	if !strings.Contains(h.screen(), "Help: message") || !strings.Contains(h.screen(), "next message") {
		t.Errorf("pager help:\n%s", h.screen())
	}
}

// In a small window the help scrolls with the movement keys, any other key
// closes it; it says how often new mail is checked.
func TestHelpScrollsInSmallWindow(t *testing.T) {
	h := newHarness(t, newFake(), func(o *Options) { o.Account.CheckEvery = 10 * time.Minute })
	h.send(tea.WindowSizeMsg{Width: 40, Height: 12})
	h.keys("?")
	if s := h.screen(); strings.Contains(s, "State column") || !strings.Contains(s, "j/k/space scroll") {
		t.Fatalf("small help:\n%s", s)
	}
	for i := 0; i < 30; i++ { // to the end, however long the help grows
		h.keys("space")
	}
	h.keys("j")
	s := h.screen()
	if h.m.screen != screenHelp || !strings.Contains(s, "up.") {
		t.Fatalf("help did not scroll to its end:\n%s", s)
	}
	h.keys("space", "-", "k")
	if h.m.screen != screenHelp {
		t.Fatal("scrolling closed the help")
	}
	h.keys("q")
	if h.m.screen != screenIndex || h.quit {
		t.Fatal("q should close the help, not quit")
	}
	h.keys("?")
	h.send(tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	if h.m.helpTop != 3 || h.m.screen != screenHelp {
		t.Errorf("the wheel did not scroll the help: top %d", h.m.helpTop)
	}
	h.keys("q")
	h.send(tea.WindowSizeMsg{Width: 100, Height: 40})
	h.keys("?")
	if s := h.screen(); !strings.Contains(s, "New mail is checked at start and every 10 minutes") {
		t.Errorf("help does not give the check period:\n%s", s)
	}
	h.keys("j")
	if h.m.screen != screenIndex {
		t.Error("j should close a help that fits")
	}
}

func TestKeyOverride(t *testing.T) {
	h := newHarness(t, newFake(), func(o *Options) { o.Keys = map[string][]string{"down": {"n", "ctrl+n"}} })
	h.keys("n")
	if h.selectedID() != 7 {
		t.Errorf("overridden down: selected %d", h.selectedID())
	}
	h.keys("j")
	if h.selectedID() != 7 {
		t.Errorf("j still moves after the override")
	}
	h.keys("?")
	if !strings.Contains(h.screen(), "n/ctrl+n") {
		t.Errorf("help does not show the override:\n%s", h.screen())
	}
	bad := newHarness(t, newFake(), func(o *Options) { o.Keys = map[string][]string{"jump": {"z"}} })
	if !strings.Contains(bad.m.status.notice, `unknown action "jump"`) {
		t.Errorf("unknown action not reported: %q", bad.m.status.notice)
	}
	bad.keys("j")
	if bad.selectedID() != 7 {
		t.Error("defaults lost after a bad override")
	}
}

func TestActionsDocumented(t *testing.T) {
	acts := Actions()
	if len(acts) != 49 || !slices.IsSorted(acts) {
		t.Fatalf("actions %v", acts)
	}
	km := DefaultKeyMap()
	for _, a := range acts {
		if len(km.actions()[a].Keys()) == 0 {
			t.Errorf("action %s has no default keys", a)
		}
	}
	if err := km.Override(map[string][]string{"quit": {}}); err == nil {
		t.Error("an empty key list was accepted")
	}
}

func TestMouse(t *testing.T) {
	clock := fixedNow
	h := newHarness(t, newFake(), func(o *Options) { o.Now = func() time.Time { return clock } })
	h.send(tea.MouseClickMsg{X: 10, Y: 3, Button: tea.MouseLeft})
	if h.selectedID() != 6 {
		t.Fatalf("click on line 3 selected %d", h.selectedID())
	}
	clock = clock.Add(2 * time.Second)
	h.send(tea.MouseClickMsg{X: 10, Y: 3, Button: tea.MouseLeft})
	if h.m.screen != screenIndex {
		t.Fatal("two slow clicks opened the message")
	}
	clock = clock.Add(100 * time.Millisecond)
	h.send(tea.MouseClickMsg{X: 10, Y: 3, Button: tea.MouseLeft})
	if h.m.screen != screenPager || h.m.pager.ID() != 6 {
		t.Fatal("double-click did not open")
	}
	h.send(tea.MouseWheelMsg{Button: tea.MouseWheelDown})
	h.keys("q")
	h.send(tea.MouseClickMsg{X: 10, Y: 0, Button: tea.MouseLeft})
	if h.selectedID() != 6 {
		t.Error("a click on the title line changed the selection")
	}
}

func TestAccountSwitch(t *testing.T) {
	first, second := newFake(), newFake()
	second.rows = second.rows[:2]
	var opened []string
	h := newHarness(t, first, func(o *Options) {
		o.Accounts = []string{"work", "home"}
		o.OpenAccount = func(name string) (Account, error) {
			opened = append(opened, name)
			return Account{Name: name, Engine: second}, nil
		}
	})
	h.keys("a")
	if h.m.screen != screenAccounts || !strings.Contains(h.screen(), "2    home") {
		t.Fatalf("no switcher:\n%s", h.screen())
	}
	h.keys("j", "enter")
	if !slices.Equal(opened, []string{"home"}) || h.m.acct.Name != "home" {
		t.Fatalf("opened %v, current %q", opened, h.m.acct.Name)
	}
	if !first.closed {
		t.Error("the previous engine was not closed")
	}
	if h.m.index.Len() != 2 || !strings.Contains(h.screen(), " home ·") {
		t.Errorf("index after the switch:\n%s", h.screen())
	}
	if got := second.syncFlags(); !slices.Equal(got, []bool{false}) {
		t.Errorf("the new account's sync: %v", got)
	}
	h.keys("2")
	if len(opened) != 1 {
		t.Error("switching to the current account reopened it")
	}
}

func TestAccountsKeyWithOneAccount(t *testing.T) {
	h := newHarness(t, newFake(), nil)
	h.keys("a")
	if h.m.screen != screenIndex || !strings.Contains(h.m.status.notice, "Only one account") {
		t.Errorf("a with one account: screen %v notice %q", h.m.screen, h.m.status.notice)
	}
}

func TestPasswordPrompt(t *testing.T) {
	f := newFake()
	calls := 0
	f.syncFn = func(ctx context.Context, o mailapi.SyncOptions) (mailapi.Result, error) {
		calls++
		if calls == 1 {
			return mailapi.Result{}, fmt.Errorf("password: %w", config.ErrNoPassword)
		}
		return mailapi.Result{Committed: true}, nil
	}
	var got []string
	h := newHarness(t, f, func(o *Options) {
		o.NoAutoSync = false
		o.SetPassword = func(acct, pw string, keep bool) error {
			got = append(got, fmt.Sprintf("%s:%s:%v", acct, pw, keep))
			return nil
		}
	})
	if h.m.prompt.kind != promptPassword {
		t.Fatalf("no password prompt:\n%s", h.screen())
	}
	h.keys("type:s3cret")
	if s := h.screen(); strings.Contains(s, "s3cret") || !strings.Contains(s, "••••••") {
		t.Fatalf("password not masked:\n%s", s)
	}
	h.keys("enter")
	if !strings.Contains(h.screen(), "Store this password in the keyring? [y/N]") {
		t.Fatalf("no keyring question:\n%s", h.screen())
	}
	h.keys("y")
	if !slices.Equal(got, []string{"work:s3cret:true"}) {
		t.Fatalf("SetPassword calls %v", got)
	}
	if calls != 2 || h.m.status.net != netOnline {
		t.Errorf("sync not retried: %d calls", calls)
	}
	if h.m.password != "" {
		t.Error("the password stays in the model")
	}
}

func TestReadOnlyAccount(t *testing.T) {
	f := newFake()
	h := newHarness(t, f, func(o *Options) {
		o.NoAutoSync = false
		o.Account.ReadOnly = true
		o.Account.Notice = "Another popterm is using this account; read-only."
	})
	if len(f.syncFlags()) != 0 {
		t.Error("a read-only reader synced")
	}
	if !strings.Contains(h.screen(), "(read-only)") || !strings.Contains(h.screen(), "Another popterm") {
		t.Errorf("status:\n%s", h.screen())
	}
	h.keys("d")
	if len(f.marked()) != 0 || h.m.status.err == "" {
		t.Error("a read-only reader marked a message")
	}
}

func TestResizeReflows(t *testing.T) {
	f := newFake()
	f.msgs[8] = richMessage()
	h := newHarness(t, f, nil)
	h.keys("enter")
	h.send(tea.WindowSizeMsg{Width: 40, Height: 10})
	lines := strings.Split(h.screen(), "\n")
	if len(lines) != 10 {
		t.Fatalf("%d lines at height 10", len(lines))
	}
	for i, l := range lines {
		if w := stringWidth(l); w != 40 {
			t.Errorf("line %d is %d cells wide at width 40: %q", i, w, l)
		}
	}
}

// A resize that rewraps the message keeps about the same text in view.
func TestResizeKeepsPlaceInMessage(t *testing.T) {
	f := newFake()
	var body []message.Line
	for i := 1; i <= 100; i++ {
		body = append(body, message.Line{Text: fmt.Sprintf("Line %03d: %s", i, strings.Repeat("word ", 12))})
	}
	f.msgs[8] = &message.Message{Body: body}
	h := newHarness(t, f, nil)
	h.keys("enter", "/", "type:Line 050:", "enter")
	if !strings.Contains(h.screen(), "Line 050:") {
		t.Fatalf("find did not scroll:\n%s", h.screen())
	}
	h.send(tea.WindowSizeMsg{Width: 40, Height: 24})
	s := h.screen()
	if !strings.Contains(s, "Line 049:") && !strings.Contains(s, "Line 050:") && !strings.Contains(s, "Line 051:") {
		t.Errorf("the resize lost the place:\n%s", s)
	}
}

func TestOpenerCommandNoShell(t *testing.T) {
	path := "/tmp/x/a b; rm -rf ~.pdf"
	cmd := openerCommand("my-viewer --new-window", path)
	want := []string{"my-viewer", "--new-window", path}
	if !slices.Equal(cmd.Args, want) {
		t.Errorf("argv %q, want %q", cmd.Args, want)
	}
	if def := openerCommand("", path); def.Args[len(def.Args)-1] != path {
		t.Errorf("default opener argv %q", def.Args)
	}
}

func TestPeriodicCheckNeverCommits(t *testing.T) {
	f := newFake()
	var fired []checkMsg
	h := &harness{t: t}
	h.hold = func(msg tea.Msg) bool {
		if c, ok := msg.(checkMsg); ok {
			fired = append(fired, c)
			return true
		}
		return false
	}
	h.m = New(Options{
		Account: Account{Name: "work", Engine: f, CheckEvery: time.Nanosecond}, Now: func() time.Time { return fixedNow },
		Location: time.UTC, UI: config.UI{ConfirmCommit: true, DownloadDir: t.TempDir()},
	})
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.run(h.m.Init(), 0)
	h.keys("d")
	if len(fired) != 1 {
		t.Fatalf("%d checks armed after the first sync, want 1", len(fired))
	}
	h.hold = nil
	h.send(checkMsg{session: fired[0].session, gen: fired[0].gen - 1}) // stale: ignored
	if got := f.syncFlags(); !slices.Equal(got, []bool{false}) {
		t.Fatalf("a stale timer synced: %v", got)
	}
	h.hold = func(msg tea.Msg) bool { _, ok := msg.(checkMsg); return ok } // the next timer
	nm, cmd := h.m.Update(fired[0])
	h.m = nm.(App)
	h.run(cmd, 0)
	if got := f.syncFlags(); !slices.Equal(got, []bool{false, false}) {
		t.Fatalf("syncs %v: the check must sync without deleting", got)
	}
	if len(f.marked()) != 1 {
		t.Error("a periodic check committed the mark")
	}
}

func TestNewHeadersShownDuringSync(t *testing.T) {
	f := newFake()
	h := newHarness(t, f, nil)
	h.m.sync.begin(context.Background(), syncSyncing, false, false)
	h.m.sync.progress = mailapi.Progress{Phase: mailapi.PhaseHeaders, Done: 2, Total: 2}
	f.mu.Lock()
	f.rows = append(sampleRowsNewer(), f.rows...)
	f.mu.Unlock()
	nm, cmd := h.m.Update(syncProgressMsg{session: h.m.session, p: mailapi.Progress{Phase: mailapi.PhaseBodies, Total: 5}})
	h.m = nm.(App)
	for _, c := range cmd().(tea.BatchMsg)[1:] { // [0] waits for more progress
		h.run(c, 0)
	}
	if h.m.index.Len() != 10 {
		t.Errorf("new headers not shown before the bodies: %d rows", h.m.index.Len())
	}
}

func TestRefusedPasswordAsksAgain(t *testing.T) {
	f := newFake()
	calls := 0
	f.syncFn = func(ctx context.Context, o mailapi.SyncOptions) (mailapi.Result, error) {
		calls++
		if calls == 1 {
			return mailapi.Result{}, &mailapi.Error{Kind: mailapi.KindCredentials, Err: errors.New("-ERR [AUTH] Authentication failed")}
		}
		return mailapi.Result{Committed: true}, nil
	}
	var got []string
	h := newHarness(t, f, func(o *Options) {
		o.NoAutoSync = false
		o.SetPassword = func(acct, pw string, keep bool) error {
			got = append(got, pw)
			return nil
		}
	})
	if h.m.prompt.kind != promptPassword || !strings.Contains(h.screen(), "Password for work:") {
		t.Fatalf("no password prompt after a refusal:\n%s", h.screen())
	}
	h.keys("type:better", "enter", "n")
	if !slices.Equal(got, []string{"better"}) || calls != 2 {
		t.Errorf("SetPassword %v, %d syncs", got, calls)
	}
}

// Every screen at sizes down to one cell: no panic, and never wider or
// taller than the window.
func TestTinyWindows(t *testing.T) {
	f := newFake()
	f.msgs[8] = richMessage()
	for _, keys := range [][]string{nil, {"enter"}, {"enter", "v"}, {"?"}, {"/", "type:wee"}, {"d", "q"}} {
		for _, sz := range []struct{ w, h int }{{1, 1}, {2, 3}, {10, 4}, {23, 5}, {30, 2}} {
			h := newHarness(t, f, nil)
			h.keys(keys...)
			h.send(tea.WindowSizeMsg{Width: sz.w, Height: sz.h})
			lines := strings.Split(h.screen(), "\n")
			if len(lines) != sz.h {
				t.Errorf("%v at %dx%d: %d lines", keys, sz.w, sz.h, len(lines))
			}
			for _, l := range lines {
				if w := stringWidth(l); w > sz.w {
					t.Errorf("%v at %dx%d: a line of %d cells: %q", keys, sz.w, sz.h, w, l)
					break
				}
			}
			f.rows = sampleRows()
		}
	}
}

// Ctrl-C during a sync that a q stops, with a $ queued: the quit, the
// commit and the queued $ are all off; nothing is deleted and the reader
// stays open.
func TestCtrlCCancelsQueuedQuit(t *testing.T) {
	f := newFake()
	h := newHarness(t, f, nil)
	h.keys("d")
	done := h.heldAutoSync()
	h.keys("$")
	if !h.m.sync.queuedSync || h.m.prompt.Active() {
		t.Errorf("$ during a sync: queued %v, prompt %v", h.m.sync.queuedSync, h.m.prompt.Active())
	}
	h.keys("q", "y")
	if h.m.sync.phase != syncQuitting || !strings.Contains(h.screen(), "Stopping the download") {
		t.Errorf("q during a sync does not say it stops it:\n%s", h.screen())
	}
	h.keys("ctrl+c")
	h.hold = nil
	done.err = context.Canceled
	h.send(*done)
	if h.quit || h.m.prompt.Active() || h.m.sync.busy() {
		t.Fatalf("quit %v, prompt %v, state %v after Ctrl-C cancelled the sync", h.quit, h.m.prompt.Active(), h.m.sync.phase)
	}
	if got := f.syncFlags(); !slices.Equal(got, []bool{false}) || f.commitCount() != 0 {
		t.Errorf("syncs %v, %d commits", got, f.commitCount())
	}
}

// $ pressed during a sync is queued, not dropped: when the sync ends, the
// committing sync runs (after the usual question about the marks).
func TestSyncNowDuringSyncIsQueued(t *testing.T) {
	f := newFake()
	h := newHarness(t, f, nil)
	h.keys("d")
	done := h.heldAutoSync()
	h.keys("$")
	if !strings.Contains(h.m.status.notice, "$ runs when it ends") || h.m.prompt.Active() {
		t.Errorf("$ during a sync: notice %q, prompt %v", h.m.status.notice, h.m.prompt.Active())
	}
	if got := f.syncFlags(); !slices.Equal(got, []bool{false}) {
		t.Fatalf("$ started a second sync at once: %v", got)
	}
	h.hold = nil
	h.send(*done)
	if h.m.prompt.kind != promptCommitSync {
		t.Fatalf("the queued $ did not ask about the mark:\n%s", h.screen())
	}
	h.keys("y")
	if got := f.syncFlags(); !slices.Equal(got, []bool{false, true}) {
		t.Errorf("syncs %v, want the automatic one, then the queued commit", got)
	}
	if len(f.marked()) != 0 || h.m.sync.busy() || h.quit {
		t.Errorf("marks %v, state %v, quit %v", f.marked(), h.m.sync.phase, h.quit)
	}
}

// q during a committing sync ($) that is already deleting exits when that
// sync is done, without asking about the marks it is deleting.
func TestQuitDuringCommitExitsAfterIt(t *testing.T) {
	f := newFake()
	f.syncFn = func(ctx context.Context, o mailapi.SyncOptions) (mailapi.Result, error) {
		// Deleted, as the held end of the sync will say; the store
		// still counts the mark until then.
		return mailapi.Result{Deleted: 1, Committed: true}, nil
	}
	h := newHarness(t, f, func(o *Options) { o.UI.ConfirmCommit = false })
	h.keys("d")
	done := h.holdSyncDone()
	h.keys("$")
	h.send(syncProgressMsg{session: h.m.session, p: mailapi.Progress{Phase: mailapi.PhaseCommit, Total: 1}})
	h.keys("q")
	if h.quit {
		t.Fatal("q during the commit exited at once")
	}
	h.hold = nil
	h.send(*done)
	if !h.quit || h.m.prompt.Active() {
		t.Fatalf("quit %v, prompt %q", h.quit, h.m.prompt.question)
	}
	if got := f.syncFlags(); !slices.Equal(got, []bool{true}) || f.commitCount() != 0 {
		t.Errorf("syncs %v, %d commits: want the one committing sync", got, f.commitCount())
	}
}

// q during a sync that then fails (server unreachable) does not try to
// delete there; it says why it stays, and what q and x do now.
func TestQuitDuringFailedSyncStays(t *testing.T) {
	f := newFake()
	h := newHarness(t, f, nil)
	h.keys("d")
	done := h.heldAutoSync()
	h.keys("q", "y")
	h.hold = nil
	done.err = &mailapi.Error{Kind: mailapi.KindTryLater, Err: fmt.Errorf("dial tcp 127.0.0.1:995: %w", syscall.ECONNREFUSED)}
	h.send(*done)
	if h.quit || h.m.prompt.Active() || f.commitCount() != 0 {
		t.Fatalf("quit %v, prompt %q, %d commits after a failed sync", h.quit, h.m.prompt.question, f.commitCount())
	}
	if !strings.Contains(h.m.status.err, "Not quitting: q tries to delete the marks again, x exits keeping them.") {
		t.Errorf("status %q", h.m.status.err)
	}
	h.keys("q")
	if h.m.prompt.kind != promptCommitQuit {
		t.Error("q again should ask to commit")
	}
}

// q during a sync asks at once, then stops the sync (it does not wait for
// the download), commits in a session of its own and exits.
func TestQuitDuringSyncStopsItAndCommits(t *testing.T) {
	f := newFake()
	h := newHarness(t, f, nil)
	h.keys("d", "d")
	done := h.heldAutoSync()
	if h.m.sync.phase != syncSyncing {
		t.Fatal("no sync running")
	}
	h.keys("q")
	if h.quit || h.m.prompt.kind != promptCommitQuit {
		t.Fatalf("q during a sync should ask at once:\n%s", h.screen())
	}
	h.keys("y")
	if err := f.lastSyncCtx().Err(); err == nil {
		t.Fatal("the running sync was not cancelled")
	}
	if h.quit || f.commitCount() != 0 {
		t.Fatal("committed before the sync ended")
	}
	h.hold = nil
	done.err = context.Canceled
	h.send(*done)
	if got := f.syncFlags(); !slices.Equal(got, []bool{false}) || f.commitCount() != 1 || !h.quit {
		t.Errorf("syncs %v, %d commits, quit %v", got, f.commitCount(), h.quit)
	}
	if len(f.marked()) != 0 {
		t.Errorf("marks left: %v", f.marked())
	}
	if !strings.Contains(h.m.Farewell(), "2 messages deleted on the server") {
		t.Errorf("farewell %q", h.m.Farewell())
	}
}

func TestBackgroundColourChoosesStyles(t *testing.T) {
	h := newHarness(t, newFake(), nil)
	if !h.m.dark {
		t.Fatal("the default before any answer should be dark")
	}
	dark := h.m.View().Content
	h.send(tea.BackgroundColorMsg{Color: color.White})
	if h.m.dark {
		t.Fatal("a white background was taken for dark")
	}
	if light := h.m.View().Content; light == dark {
		t.Error("the frame did not change for a light background")
	}
	if ansiStrip(h.m.View().Content) != ansiStrip(dark) {
		t.Error("the background changed the text, not only the colours")
	}
}

func TestThemesAndDateFormat(t *testing.T) {
	for _, theme := range []string{"", "auto", "default", "dark", "light", "mono"} {
		h := newHarness(t, newFake(), func(o *Options) { o.UI.Theme = theme })
		if h.m.status.notice != "" {
			t.Errorf("theme %q: notice %q", theme, h.m.status.notice)
		}
	}
	h := newHarness(t, newFake(), func(o *Options) { o.UI.Theme = "neon" })
	if !strings.Contains(h.m.status.notice, `unknown theme "neon"`) {
		t.Errorf("unknown theme not reported: %q", h.m.status.notice)
	}
	if NewStyles("light", true, false).Row.GetForeground() == NewStyles("dark", false, false).Row.GetForeground() {
		t.Error("light and dark themes do not force the background")
	}
	h = newHarness(t, newFake(), func(o *Options) { o.UI.DateFormat = "2006-01-02 15:04" })
	if s := h.screen(); !strings.Contains(s, "2024-03-01 09:00") || !strings.Contains(s, "11:00 ") {
		t.Errorf("date_format not used for old dates (or used for today):\n%s", s)
	}
}

func TestPasswordUsedWhenKeyringFails(t *testing.T) {
	f := newFake()
	calls := 0
	f.syncFn = func(ctx context.Context, o mailapi.SyncOptions) (mailapi.Result, error) {
		calls++
		if calls == 1 {
			return mailapi.Result{}, fmt.Errorf("password: %w", config.ErrKeyringUnavailable)
		}
		return mailapi.Result{Committed: true}, nil
	}
	h := newHarness(t, f, func(o *Options) {
		o.NoAutoSync = false
		o.SetPassword = func(acct, pw string, keep bool) error { return errors.New("no keyring: set password_cmd") }
	})
	if h.m.prompt.kind != promptPassword {
		t.Fatalf("no prompt when the keyring is unavailable:\n%s", h.screen())
	}
	h.keys("type:pw", "enter", "y")
	if calls != 2 {
		t.Errorf("%d syncs: the typed password should be used anyway", calls)
	}
	if !strings.Contains(h.m.status.notice, "Could not keep the password") {
		t.Errorf("status %q", h.m.status.notice)
	}
}

// TestSummaryJoinsWarningsCleanly: an engine warning that ends with its own
// full stop is not followed by a second one.
func TestSummaryJoinsWarningsCleanly(t *testing.T) {
	s := syncSummary(mailapi.Result{New: 1, Warnings: []string{"1 message has an unusable UIDL."}}, false)
	if strings.Contains(s, "..") || !strings.HasSuffix(s, "unusable UIDL.") {
		t.Errorf("summary %q", s)
	}
}

package ui

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"charm.land/bubbles/v2/spinner"
	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/ansi"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/mailapi"
	"github.com/popterm/popterm/message"
	"github.com/popterm/popterm/pattern"
)

// fakeEngine is an in-memory Engine. Only the UI's own behaviour is under
// test here; the real engine has its own tests against real servers.
type fakeEngine struct {
	mu       sync.Mutex
	rows     []mailapi.Summary
	msgs     map[int64]*message.Message
	raw      map[int64][]byte
	openErr  map[int64]error
	syncs    []bool // the Commit flag of each sync
	syncFn   func(ctx context.Context, opts mailapi.SyncOptions) (mailapi.Result, error)
	syncCtx  context.Context // the context of the latest sync
	commits  int             // calls of Commit
	commitFn func(ctx context.Context) (mailapi.CommitResult, error)
	searches []string
	closed   bool
	last     time.Time
	markErr  error // MarkFlagged and MarkSeen fail with it
	saves    []saveCall
}

func (f *fakeEngine) List(ctx context.Context, q mailapi.Query) ([]mailapi.Summary, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.searches = append(f.searches, q.Search)
	out := f.matching(q.Search)
	if q.Limit > 0 && len(out) > q.Limit {
		out = out[:q.Limit]
	}
	return out, nil
}

// Count counts what List finds, like mailbox.Engine (the reader's counter).
func (f *fakeEngine) Count(ctx context.Context, q mailapi.Query) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.matching(q.Search)), nil
}

// matching copies the rows a search finds (subject and sender).
func (f *fakeEngine) matching(search string) []mailapi.Summary {
	var out []mailapi.Summary
	for _, r := range f.rows {
		hay := strings.ToLower(r.Subject + " " + r.From)
		if search == "" || strings.Contains(hay, strings.ToLower(search)) {
			out = append(out, r)
		}
	}
	return out
}

func (f *fakeEngine) Stats(ctx context.Context) (mailapi.Stats, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	var s mailapi.Stats
	for _, r := range f.rows {
		s.Total++
		if !r.Seen {
			s.Unseen++
		}
		if r.Deleted {
			s.Deleted++
		}
		if r.Cached {
			s.Cached++
		}
	}
	return s, nil
}

func (f *fakeEngine) Sync(ctx context.Context, opts mailapi.SyncOptions) (mailapi.Result, error) {
	f.mu.Lock()
	f.syncs = append(f.syncs, opts.Commit)
	f.syncCtx = ctx
	fn := f.syncFn
	f.mu.Unlock()
	if opts.Progress != nil {
		opts.Progress(mailapi.Progress{Phase: mailapi.PhaseHeaders, Done: 1, Total: 2})
	}
	if fn != nil {
		return fn(ctx, opts)
	}
	if opts.Commit {
		return f.commit(), nil
	}
	return mailapi.Result{Committed: true}, nil
}

func (f *fakeEngine) Commit(ctx context.Context, progress func(mailapi.Progress)) (mailapi.CommitResult, error) {
	f.mu.Lock()
	f.commits++
	fn := f.commitFn
	f.mu.Unlock()
	if progress != nil {
		progress(mailapi.Progress{Phase: mailapi.PhaseCommit, Done: 1, Total: 2})
	}
	if fn != nil {
		return fn(ctx)
	}
	res := f.commit()
	return mailapi.CommitResult{Deleted: res.Deleted, Committed: true}, nil
}

// commitCount is how many times Commit was called.
func (f *fakeEngine) commitCount() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.commits
}

// lastSyncCtx is the context the latest sync ran with.
func (f *fakeEngine) lastSyncCtx() context.Context {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.syncCtx
}

// commit drops the marked rows, as a QUIT answered +OK would.
func (f *fakeEngine) commit() mailapi.Result {
	f.mu.Lock()
	defer f.mu.Unlock()
	var keep []mailapi.Summary
	n := 0
	for _, r := range f.rows {
		if r.Deleted {
			n++
			continue
		}
		keep = append(keep, r)
	}
	f.rows = keep
	return mailapi.Result{Deleted: n, Committed: true}
}

func (f *fakeEngine) Open(ctx context.Context, id int64, opts message.Options) (*message.Message, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if err := f.openErr[id]; err != nil {
		return nil, err
	}
	for i := range f.rows {
		if f.rows[i].ID == id {
			f.rows[i].Seen = true
		}
	}
	if m := f.msgs[id]; m != nil {
		return m, nil
	}
	return &message.Message{Body: []message.Line{{Text: "Body of message " + string(rune('0'+id%10))}}}, nil
}

func (f *fakeEngine) Body(ctx context.Context, id int64) (io.ReadCloser, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	raw, ok := f.raw[id]
	if !ok {
		return nil, errors.New("body not downloaded")
	}
	return io.NopCloser(bytes.NewReader(raw)), nil
}

func (f *fakeEngine) MarkDeleted(ctx context.Context, ids []int64, deleted bool) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, id := range ids {
		for i := range f.rows {
			if f.rows[i].ID == id {
				f.rows[i].Deleted = deleted
			}
		}
	}
	return nil
}

func (f *fakeEngine) LastSync() time.Time {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.last
}

func (f *fakeEngine) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.closed = true
	return nil
}

func (f *fakeEngine) marked() []int64 {
	f.mu.Lock()
	defer f.mu.Unlock()
	var ids []int64
	for _, r := range f.rows {
		if r.Deleted {
			ids = append(ids, r.ID)
		}
	}
	return ids
}

func (f *fakeEngine) syncFlags() []bool {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]bool(nil), f.syncs...)
}

// fixedNow is the clock of every test: Thursday 26 November 2026, 12:00 UTC.
var fixedNow = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// sampleRows are eight messages, newest first, with wide characters.
func sampleRows() []mailapi.Summary {
	d := func(days int, h int) time.Time {
		return fixedNow.Add(-time.Duration(days)*24*time.Hour - time.Duration(h)*time.Hour)
	}
	return []mailapi.Summary{
		{ID: 8, From: "Alice Martin <alice@example.org>", FromName: "Alice Martin", Subject: "Lunch on Friday?", Date: d(0, 1), Size: 2300, MessageID: "<m8@x>", InReplyTo: "<m5@x>", References: []string{"<m5@x>"}},
		{ID: 7, From: "김민준 <minjun@example.kr>", FromName: "김민준", Subject: "회의 일정 변경 안내", Date: d(0, 3), Size: 5400, Cached: true, MessageID: "<m7@x>"},
		{ID: 6, From: "山田太郎 <taro@example.jp>", FromName: "山田太郎", Subject: "お見積もりの件について（再送）", Date: d(1, 0), Size: 18000, Seen: true, Cached: true, HasAttachments: true, MessageID: "<m6@x>"},
		{ID: 5, From: "Bob <bob@example.com>", FromName: "Bob", Subject: "Weekend plans 🎉🏔️", Date: d(3, 0), Size: 900, Seen: true, Cached: true, MessageID: "<m5@x>"},
		{ID: 4, From: "newsletter@shop.example", FromName: "newsletter@shop.example", Subject: "Your weekly digest: 25 new arrivals in garden furniture and outdoor living", Date: d(40, 0), Size: 120000, Seen: true, MessageID: "<m4@x>"},
		{ID: 3, From: "Carol <carol@example.net>", FromName: "Carol", Subject: "Re: Weekend plans 🎉🏔️", Date: d(2, 0), Size: 1500, Seen: true, Cached: true, MessageID: "<m3@x>", InReplyTo: "<m5@x>", References: []string{"<m5@x>"}},
		{ID: 2, From: "Dave <dave@example.com>", FromName: "Dave", Subject: "Invoice 2025-117", Date: time.Date(2025, 12, 30, 9, 0, 0, 0, time.UTC), Size: 3_400_000, Seen: true, HasAttachments: true, MessageID: "<m2@x>"},
		{ID: 1, From: "Eve <eve@example.com>", FromName: "Eve", Subject: "Old thread", Date: time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC), Size: 700, Seen: true, Cached: true, MessageID: "<m1@x>"},
	}
}

func newFake() *fakeEngine {
	return &fakeEngine{rows: sampleRows(), msgs: map[int64]*message.Message{}, raw: map[int64][]byte{}, openErr: map[int64]error{}}
}

// harness drives an App synchronously: it runs every command a message
// returns and feeds the results back, like a tea.Program without a
// terminal, timers or goroutines.
type harness struct {
	t    testing.TB
	m    App
	quit bool
	// held keeps commands the test wants to run itself (blocking syncs).
	hold func(tea.Msg) bool
}

func newHarness(t testing.TB, eng Engine, mod func(*Options)) *harness {
	t.Helper()
	opts := Options{
		Account:    Account{Name: "work", Engine: eng},
		Now:        func() time.Time { return fixedNow },
		Location:   time.UTC,
		UI:         config.UI{ConfirmCommit: true, DownloadDir: t.TempDir()},
		NoAutoSync: true,
	}
	if mod != nil {
		mod(&opts)
	}
	h := &harness{t: t, m: New(opts)}
	h.send(tea.WindowSizeMsg{Width: 80, Height: 24})
	h.run(h.m.Init(), 0)
	return h
}

func (h *harness) send(msg tea.Msg) { h.process(msg, 0) }

// holdSyncDone keeps the end of the next sync from the reader, so that a
// test can act while it runs; send the held message to end it.
func (h *harness) holdSyncDone() *syncDoneMsg {
	done := new(syncDoneMsg)
	h.hold = func(msg tea.Msg) bool {
		d, ok := msg.(syncDoneMsg)
		if ok {
			*done = d
		}
		return ok
	}
	return done
}

// heldAutoSync starts the automatic sync and keeps its end from the reader
// (see holdSyncDone).
func (h *harness) heldAutoSync() *syncDoneMsg {
	done := h.holdSyncDone()
	h.send(autoSyncMsg{session: h.m.session})
	return done
}

func (h *harness) process(msg tea.Msg, depth int) {
	if depth > 100 {
		h.t.Fatal("command loop")
	}
	switch msg := msg.(type) {
	case nil:
		return
	case tea.QuitMsg:
		h.quit = true
		return
	case tea.BatchMsg:
		for _, c := range msg {
			h.run(c, depth+1)
		}
		return
	case spinner.TickMsg:
		return // no animation in tests
	}
	if h.hold != nil && h.hold(msg) {
		return
	}
	nm, cmd := h.m.Update(msg)
	h.m = nm.(App)
	h.run(cmd, depth+1)
}

func (h *harness) run(cmd tea.Cmd, depth int) {
	if cmd != nil {
		h.process(cmd(), depth)
	}
}

// keys sends key presses: names like "enter", "ctrl+c", "space", or runs
// of plain characters typed one by one when prefixed with "type:".
func (h *harness) keys(names ...string) {
	h.t.Helper()
	for _, n := range names {
		if text, ok := strings.CutPrefix(n, "type:"); ok {
			for _, r := range text {
				h.send(tea.KeyPressMsg{Code: r, Text: string(r)})
			}
			continue
		}
		h.send(keyPress(n))
	}
}

func keyPress(name string) tea.KeyPressMsg {
	special := map[string]rune{
		"enter": tea.KeyEnter, "esc": tea.KeyEscape, "up": tea.KeyUp, "down": tea.KeyDown,
		"pgup": tea.KeyPgUp, "pgdown": tea.KeyPgDown, "home": tea.KeyHome, "end": tea.KeyEnd,
		"backspace": tea.KeyBackspace, "tab": tea.KeyTab,
	}
	if c, ok := special[name]; ok {
		return tea.KeyPressMsg{Code: c}
	}
	if name == "space" {
		return tea.KeyPressMsg{Code: ' ', Text: " "}
	}
	if c, ok := strings.CutPrefix(name, "ctrl+"); ok {
		return tea.KeyPressMsg{Code: rune(c[0]), Mod: tea.ModCtrl}
	}
	r := []rune(name)[0]
	return tea.KeyPressMsg{Code: r, Text: name}
}

// screen is the plain text of the current frame.
func (h *harness) screen() string { return ansi.Strip(h.m.View().Content) }

func (h *harness) selectedID() int64 {
	s, ok := h.m.index.Selected()
	if !ok {
		return -1
	}
	return s.ID
}

// manyFake is an engine with n messages, one a minute back from now.
func manyFake(n int) *fakeEngine {
	f := newFake()
	f.rows = make([]mailapi.Summary, n)
	for i := range f.rows {
		id := int64(n - i)
		f.rows[i] = mailapi.Summary{
			ID: id, FromName: fmt.Sprintf("Sender %d", id%97), From: fmt.Sprintf("s%d@example.com", id%97),
			Subject: fmt.Sprintf("Message number %d about 회의 and 🎉", id), Date: fixedNow.Add(-time.Duration(i) * time.Minute),
			Size: int64(1000 + i), Seen: i%3 != 0, Cached: i%2 == 0, MessageID: fmt.Sprintf("<%d@x>", id),
		}
	}
	return f
}

func ansiStrip(s string) string { return ansi.Strip(s) }

func (f *fakeEngine) MarkFlagged(ctx context.Context, ids []int64, on bool) error {
	return f.setMark(ids, func(r *mailapi.Summary) { r.Flagged = on })
}

func (f *fakeEngine) MarkSeen(ctx context.Context, ids []int64, on bool) error {
	return f.setMark(ids, func(r *mailapi.Summary) { r.Seen = on })
}

// setMark changes the rows with these IDs, or fails with markErr.
func (f *fakeEngine) setMark(ids []int64, set func(*mailapi.Summary)) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.markErr != nil {
		return f.markErr
	}
	for _, id := range ids {
		for i := range f.rows {
			if f.rows[i].ID == id {
				set(&f.rows[i])
			}
		}
	}
	return nil
}

// row returns the stored row with this ID.
func (f *fakeEngine) row(id int64) mailapi.Summary {
	f.mu.Lock()
	defer f.mu.Unlock()
	for _, r := range f.rows {
		if r.ID == id {
			return r
		}
	}
	return mailapi.Summary{}
}

// saveCall is one Save the reader asked for.
type saveCall struct {
	ids    []int64
	target string
}

func (f *fakeEngine) Save(ctx context.Context, ids []int64, target string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.saves = append(f.saves, saveCall{ids: append([]int64(nil), ids...), target: target})
	if target == "bad/name" {
		return "", errors.New(`folder "bad/name": not a folder name`)
	}
	return "folder " + target, nil
}

func (f *fakeEngine) Folders() ([]string, error) { return []string{"Receipts", "Work"}, nil }

func (f *fakeEngine) Filter(ctx context.Context, p *pattern.Pattern, tagged func(int64) bool) (func(*mailapi.Summary) bool, error) {
	return pattern.Filter(ctx, f.List, p, tagged)
}

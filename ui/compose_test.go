package ui

import (
	"context"
	"errors"
	"net/mail"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/popterm/popterm/mailapi"
)

// mailerFake is a fake engine that can also write mail: it keeps what was
// queued and saved, and flushes with a result the test chooses.
type mailerFake struct {
	*fakeEngine
	mu      sync.Mutex
	queued  [][]byte // in the outbox
	sent    [][]byte // every message queued, kept after a flush
	rcpts   [][]string
	drafts  [][]byte
	dropped []int64 // the Drafts messages DropDraft removed
	failQ   error   // QueueMessage fails with this
	flushes []bool  // the force flag of each flush
	reason  string  // a flush leaves everything queued with this reason
}

func (f *mailerFake) Sender() (*mail.Address, string, error) {
	return &mail.Address{Name: "Me", Address: "me@example.org"}, "Me, at home", nil
}

func (f *mailerFake) QueueMessage(raw []byte, from string, recipients []string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.failQ != nil {
		return f.failQ
	}
	f.queued = append(f.queued, raw)
	f.sent = append(f.sent, raw)
	f.rcpts = append(f.rcpts, recipients)
	return nil
}

func (f *mailerFake) SaveDraft(raw []byte) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.drafts = append(f.drafts, raw)
	return nil
}

func (f *mailerFake) DropDraft(id int64) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.dropped = append(f.dropped, id)
	return nil
}

func (f *mailerFake) OutboxCount() (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.queued), nil
}

func (f *mailerFake) FlushOutbox(ctx context.Context, force bool) (mailapi.Flushed, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.flushes = append(f.flushes, force)
	if f.reason != "" {
		return mailapi.Flushed{Queued: len(f.queued), Reason: f.reason}, nil
	}
	n := len(f.queued)
	f.queued = nil
	return mailapi.Flushed{Sent: n}, nil
}

const replyOriginal = "From: Alice Martin <alice@example.org>\nTo: Me <me@example.org>\nSubject: Lunch on Friday?\n" +
	"Message-ID: <m8@x>\nDate: Thu, 26 Nov 2026 11:00:00 +0000\n\nShall we meet at noon?\n"

// composeHarness is a reader over a mailerFake whose $VISUAL is a shell
// script (script: its body, with $1 the file), run without a terminal.
func composeHarness(t *testing.T, script string) (*harness, *mailerFake) {
	t.Helper()
	editor := filepath.Join(t.TempDir(), "editor")
	if err := os.WriteFile(editor, []byte("#!/bin/sh\n"+script+"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	t.Setenv("VISUAL", editor)
	f := &mailerFake{fakeEngine: newFake()}
	f.raw[8] = []byte(replyOriginal)
	h := newHarness(t, f, func(o *Options) {
		o.execProcess = func(c *exec.Cmd, fn tea.ExecCallback) tea.Cmd {
			return func() tea.Msg { return fn(c.Run()) }
		}
	})
	return h, f
}

func TestReplySendQueuesAndFlushes(t *testing.T) {
	h, f := composeHarness(t, `echo "Noon is fine." >> "$1"`)
	h.keys("r") // message 8, the first row
	if h.m.screen != screenCompose {
		t.Fatalf("no compose screen after the editor:\n%s", h.screen())
	}
	s := h.screen()
	for _, want := range []string{"To:", "alice@example.org", "Re: Lunch on Friday?", "No attachments", "y send"} {
		if !strings.Contains(s, want) {
			t.Errorf("compose screen lacks %q:\n%s", want, s)
		}
	}
	h.keys("y")
	if len(f.flushes) != 1 || !f.flushes[0] {
		t.Fatalf("flushes %v, want one forced", f.flushes)
	}
	if h.m.screen != screenIndex {
		t.Errorf("screen %v after sending, want the index", h.m.screen)
	}
	if !strings.Contains(h.screen(), "Sent 1 message.") {
		t.Errorf("no news of the sending:\n%s", h.screen())
	}
	if h.m.comp.path != "" {
		t.Error("compose state kept after sending")
	}
}

func TestReplyQueuedWhenTheServerIsAway(t *testing.T) {
	h, f := composeHarness(t, `echo "Noon is fine." >> "$1"`)
	f.reason = "dial tcp 127.0.0.1:587: connection refused"
	h.keys("r", "y")
	if len(f.queued) != 1 {
		t.Fatalf("queued %d, want 1", len(f.queued))
	}
	raw := string(f.queued[0])
	for _, want := range []string{"In-Reply-To: <m8@x>", "Subject: Re: Lunch on Friday?", "Noon is fine.", "> Shall we meet at noon?"} {
		if !strings.Contains(raw, want) {
			t.Errorf("queued message lacks %q:\n%s", want, raw)
		}
	}
	if got := strings.Join(f.rcpts[0], ","); got != "alice@example.org" {
		t.Errorf("recipients %q", got)
	}
	s := h.screen()
	if !strings.Contains(s, "1 queued") || !strings.Contains(s, "connection refused") {
		t.Errorf("status does not show the queued message and why:\n%s", s)
	}
	// A later sync flushes first, not forced.
	h.keys("$")
	if len(f.flushes) != 2 || f.flushes[1] {
		t.Errorf("flushes %v: the sync should flush once more, unforced", f.flushes)
	}
}

func TestUnchangedMessageCancels(t *testing.T) {
	h, f := composeHarness(t, `true`)
	h.keys("m")
	if h.m.screen != screenIndex || !strings.Contains(h.screen(), "Not sent: the message was not changed.") {
		t.Errorf("unchanged message not cancelled:\n%s", h.screen())
	}
	if len(f.queued)+len(f.drafts) != 0 {
		t.Error("an unchanged message was kept")
	}
}

func TestPostponeAndCancel(t *testing.T) {
	h, f := composeHarness(t, `printf 'To: bob@example.com\nCc:\nBcc:\nSubject: Plans\n\nSee you.\n' > "$1"`)
	h.keys("m", "p")
	if len(f.drafts) != 1 || !strings.Contains(string(f.drafts[0]), "See you.") {
		t.Fatalf("drafts %q", f.drafts)
	}
	if !strings.Contains(h.screen(), "Postponed to Drafts.") {
		t.Errorf("no news of the draft:\n%s", h.screen())
	}
	// q asks; n discards, y keeps a draft.
	h.keys("m", "q")
	if !strings.Contains(h.screen(), "Keep a draft in Drafts?") {
		t.Fatalf("q does not ask:\n%s", h.screen())
	}
	h.keys("n")
	if h.m.screen != screenIndex || len(f.drafts) != 1 || len(f.queued) != 0 {
		t.Errorf("n: screen %v, drafts %d, queued %d", h.m.screen, len(f.drafts), len(f.queued))
	}
	h.keys("m", "q", "y")
	if len(f.drafts) != 2 {
		t.Errorf("y did not keep a draft: %d", len(f.drafts))
	}
}

func TestComposeEditsToAndAttachments(t *testing.T) {
	h, f := composeHarness(t, `printf 'To: bob@example.com\nCc:\nBcc:\nSubject: Files\n\nHere.\n' > "$1"`)
	file := filepath.Join(t.TempDir(), "notes.txt")
	if err := os.WriteFile(file, []byte("hello"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.keys("m", "a", "type:"+file, "enter")
	if !strings.Contains(h.screen(), "1. notes.txt") {
		t.Fatalf("attachment not shown:\n%s", h.screen())
	}
	h.keys("c", "type:carol@example.net", "enter")
	h.keys("t", "type:x", "enter") // "bob@example.comx" is still an address; then a bad one
	h.keys("t")
	for range 30 {
		h.keys("backspace")
	}
	h.keys("type:not an address", "enter")
	if !strings.Contains(h.screen(), "Not changed") {
		t.Errorf("a bad To is not refused:\n%s", h.screen())
	}
	other := filepath.Join(filepath.Dir(file), "other.txt")
	if err := os.WriteFile(other, []byte("other"), 0o600); err != nil {
		t.Fatal(err)
	}
	h.keys("a", "type:"+other, "enter")
	if !strings.Contains(h.screen(), "2. other.txt") {
		t.Fatalf("second attachment not shown:\n%s", h.screen())
	}
	h.keys("j", "k", "D") // the first: notes.txt
	if s := h.screen(); strings.Contains(s, ". notes.txt") || !strings.Contains(s, "1. other.txt") {
		t.Fatalf("D did not remove the selected attachment:\n%s", s)
	}
	h.keys("y")
	if len(f.sent) != 1 {
		t.Fatalf("sent %d", len(f.sent))
	}
	if got := strings.Join(f.rcpts[0], ","); got != "bob@example.comx,carol@example.net" {
		t.Errorf("recipients %q", got)
	}
	if raw := string(f.sent[0]); !strings.Contains(raw, "other.txt") || strings.Contains(raw, "notes.txt") {
		t.Errorf("attachments in the message:\n%s", raw)
	}
}

func TestComposeScreenGolden(t *testing.T) {
	h, _ := composeHarness(t, `printf 'To: Bob <bob@example.com>\nCc: carol@example.net\nBcc:\nSubject: Weekend plans\n\nSee you on Saturday.\n' > "$1"`)
	h.keys("m")
	golden.RequireEqual(t, []byte(h.screen()))
}

func TestEnterInDraftsResumes(t *testing.T) {
	h, f := composeHarness(t, `true`) // the editor changes nothing: a resumed draft is sent as it is
	drafts := newFake()
	drafts.raw[8] = []byte("From: Me <me@example.org>\nTo: Bob <bob@example.com>\nSubject: Plans\nMessage-ID: <d1@example.org>\n\nSee you Saturday.\n")
	h.m.opts.OpenFolder = func(cur Engine, name string) (Engine, error) { return drafts, nil }
	h.keys("c", "j", "j", "enter") // Inbox, Sent, Drafts
	if h.m.folder != "Drafts" {
		t.Fatalf("folder %q", h.m.folder)
	}
	h.keys("enter")
	if h.m.screen != screenCompose || !strings.Contains(h.screen(), "bob@example.com") || !strings.Contains(h.screen(), "Plans") {
		t.Fatalf("draft not resumed:\n%s", h.screen())
	}
	lists := len(drafts.searches)
	h.keys("y")
	if len(f.flushes) != 1 {
		t.Fatalf("the resumed draft was not sent: %v", f.flushes)
	}
	if len(drafts.searches) == lists {
		t.Error("the Drafts folder was not read again after the queue")
	}
	if len(f.dropped) != 1 || f.dropped[0] != 8 {
		t.Errorf("dropped %v after the queue, want the resumed draft 8", f.dropped)
	}
}

// A resumed draft stays in Drafts when its new copy could not be queued,
// and leaves it when postponed again (no second copy).
func TestResumedDraftStaysUntilSafe(t *testing.T) {
	h, f := composeHarness(t, `true`)
	drafts := newFake()
	drafts.raw[8] = []byte("From: Me <me@example.org>\nTo: Bob <bob@example.com>\nSubject: Plans\nMessage-ID: <d1@example.org>\n\nSee you Saturday.\n")
	h.m.opts.OpenFolder = func(cur Engine, name string) (Engine, error) { return drafts, nil }
	h.keys("c", "j", "j", "enter", "enter")
	if h.m.screen != screenCompose {
		t.Fatalf("draft not resumed:\n%s", h.screen())
	}
	f.failQ = errors.New("disk full")
	h.keys("y")
	if len(f.dropped) != 0 || h.m.screen != screenCompose {
		t.Fatalf("queue failed, yet dropped %v (screen %v)", f.dropped, h.m.screen)
	}
	h.keys("p")
	if len(f.drafts) != 1 || !strings.Contains(string(f.drafts[0]), "See you Saturday.") {
		t.Fatalf("drafts %q", f.drafts)
	}
	if len(f.dropped) != 1 || f.dropped[0] != 8 {
		t.Errorf("dropped %v after postponing again, want the old copy 8", f.dropped)
	}
}

func TestExitWhileWritingKeepsADraft(t *testing.T) {
	h, f := composeHarness(t, `printf 'To: bob@example.com\nCc:\nBcc:\nSubject: Half\n\nHalf written.\n' > "$1"`)
	h.keys("m", "ctrl+c")
	if !h.quit || len(f.drafts) != 1 || !strings.Contains(string(f.drafts[0]), "Half written.") {
		t.Fatalf("quit %v drafts %q", h.quit, f.drafts)
	}
	if !strings.Contains(h.m.Farewell(), "kept in Drafts") {
		t.Errorf("farewell %q", h.m.Farewell())
	}
}

// failingMailer refuses to queue or save.
type failingMailer struct{ *mailerFake }

func (f failingMailer) QueueMessage([]byte, string, []string) error { return errors.New("disk full") }
func (f failingMailer) SaveDraft([]byte) error                      { return errors.New("disk full") }

func TestQueueFailureKeepsTheMessage(t *testing.T) {
	h, _ := composeHarness(t, `echo "Noon is fine." >> "$1"`)
	h.m.mailer = failingMailer{h.m.mailer.(*mailerFake)}
	h.keys("r", "y")
	if h.m.screen != screenCompose || !strings.Contains(h.screen(), "disk full") {
		t.Fatalf("a failed queue left the compose screen:\n%s", h.screen())
	}
	text, err := os.ReadFile(h.m.comp.path)
	if err != nil || !strings.Contains(string(text), "Noon is fine.") {
		t.Fatalf("the text is gone: %v %q", err, text)
	}
	h.keys("p")
	if h.m.screen != screenCompose {
		t.Error("a failed postpone left the compose screen")
	}
}

func TestToCompletesFromTheIndex(t *testing.T) {
	h, _ := composeHarness(t, `printf 'To: bob@example.com\nCc:\nBcc:\nSubject: Hi\n\nHi.\n' > "$1"`)
	h.keys("m", "c", "type:car", "tab")
	if got := h.m.prompt.Value(); got != "Carol <carol@example.net>" {
		t.Fatalf("completed %q", got)
	}
	h.keys("type:, ali", "tab")
	if got := h.m.prompt.Value(); got != "Carol <carol@example.net>, Alice Martin <alice@example.org>" {
		t.Fatalf("completed %q", got)
	}
	h.keys("enter")
	if !strings.Contains(h.screen(), "Carol <carol@example.net>, Alice Martin <alice@example.org>") {
		t.Errorf("Cc not set:\n%s", h.screen())
	}
}

// A postponed message keeps its Bcc in Drafts; resumed and sent, the Bcc
// is in the envelope again and in no header of the queued bytes.
func TestPostponedBccComesBack(t *testing.T) {
	h, f := composeHarness(t, `grep -q '^Subject: Plans' "$1" || printf 'To: bob@example.com\nCc:\nBcc: sam@example.net\nSubject: Plans\n\nHi.\n' > "$1"`)
	h.keys("m", "p")
	if len(f.drafts) != 1 || !strings.Contains(string(f.drafts[0]), "X-Popterm-Bcc: <sam@example.net>") {
		t.Fatalf("the draft does not keep the Bcc: %q", f.drafts)
	}
	drafts := newFake()
	drafts.raw[8] = f.drafts[0]
	h.m.opts.OpenFolder = func(cur Engine, name string) (Engine, error) { return drafts, nil }
	h.keys("c", "j", "j", "enter", "enter") // Drafts, resume (the editor keeps the resumed text)
	if h.m.screen != screenCompose {
		t.Fatalf("draft not resumed:\n%s", h.screen())
	}
	h.keys("y")
	if len(f.sent) != 1 || len(f.rcpts) != 1 {
		t.Fatalf("sent %d", len(f.sent))
	}
	if strings.Contains(string(f.sent[0]), "sam@example.net") || strings.Contains(string(f.sent[0]), "X-Popterm-Bcc") {
		t.Errorf("the queued bytes carry the Bcc:\n%s", f.sent[0])
	}
	if got := strings.Join(f.rcpts[0], " "); got != "bob@example.com sam@example.net" {
		t.Errorf("envelope %q, want bob and the Bcc sam", got)
	}
}

// Ctrl-C while a resumed draft is written keeps the text in Drafts once,
// not next to its old copy.
func TestExitWhileResumedKeepsOneDraft(t *testing.T) {
	h, f := composeHarness(t, `true`)
	drafts := newFake()
	drafts.raw[8] = []byte("From: Me <me@example.org>\nTo: Bob <bob@example.com>\nSubject: Plans\n\nSee you Saturday.\n")
	h.m.opts.OpenFolder = func(cur Engine, name string) (Engine, error) { return drafts, nil }
	h.keys("c", "j", "j", "enter", "enter", "ctrl+c")
	if !h.quit || len(f.drafts) != 1 || !strings.Contains(string(f.drafts[0]), "See you Saturday.") {
		t.Fatalf("quit %v drafts %q", h.quit, f.drafts)
	}
	if len(f.dropped) != 1 || f.dropped[0] != 8 {
		t.Errorf("dropped %v, want the old copy 8", f.dropped)
	}
}

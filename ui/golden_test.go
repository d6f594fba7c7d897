package ui

import (
	"context"
	"fmt"
	"regexp"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"
	"github.com/charmbracelet/x/exp/golden"

	"github.com/popterm/popterm/mailapi"
	"github.com/popterm/popterm/message"
)

// Golden frames of the rendered screens, as plain text (styles stripped so
// the files read as the screen looks). Regenerate with:
//
//	go test ./ui -run Golden -update
//
// The clock is fixed (fixedNow) and no spinner or timer runs, so frames
// are stable.

var sizes = []struct{ w, h int }{{80, 24}, {120, 40}, {40, 12}}

func wideMessage() *message.Message {
	m := richMessage()
	m.From = message.Address{Name: "김민준", Addr: "minjun@example.kr"}
	m.Subject = "회의 일정 변경 안내 — 会議の日程について 📅"
	m.Body = []message.Line{
		{Text: "안녕하세요, 다음 주 회의 일정이 변경되었습니다."},
		{Text: "来週の会議は木曜日の午後3時に変更になりました。"},
		{Text: "新的会议时间是星期四下午三点。"},
		{Text: "Emoji check: 🎉 👍🏽 👨‍👩‍👧 🏔️ end"},
		{Text: "이전 메시지를 인용합니다", Kind: message.LineQuote, QuoteLevel: 1},
		{Text: "二重引用のテキスト", Kind: message.LineQuote, QuoteLevel: 2},
		{Text: "[1] https://example.kr/회의", Kind: message.LineLinkRef},
	}
	m.Attachments = []message.Attachment{{Index: 1, Name: "회의록_最終版.pdf", Type: "application/pdf", Size: 230000}}
	return m
}

const hostileSubject = "\x1b]0;pwned\x07Evil \x1b[31mred\x1b[0m \u202eexe.pdf\u202c\r\nBcc: victim@example.com\ttab \x1b[2J\x1b[H\x9b31m"

func hostileFake() *fakeEngine {
	f := newFake()
	f.rows[0].Subject = hostileSubject
	f.rows[0].FromName = "\x1b[5mAdmin\x1b[0m\x07 <root@\x1b]8;;http://evil/\x07bank\x1b]8;;\x07>"
	f.rows[0].From = f.rows[0].FromName
	f.rows[0].To = []string{"\x1b[2Jyou@example.org"}
	f.msgs[8] = &message.Message{
		Summary: message.Summary{
			From:    message.Address{Name: "\x1b[1mAdmin\x1b[0m", Addr: "root@example.org"},
			Subject: hostileSubject,
		},
		Headers: []message.Header{{Key: "X-Evil\x1b[2J", Value: "\x1b]52;c;cGF5bG9hZA==\x07clipboard"}},
		Body: []message.Line{
			{Text: "Click \x1b]8;;http://evil.example/\x07here\x1b]8;;\x07 now"},
			{Text: "\x1b[?1049lescape the alt screen\x1b[?1049h"},
			{Text: strings.Repeat("W", 300)},
			{Text: "\u202egnirts desrever"},
		},
		Attachments: []message.Attachment{{Index: 1, Name: "../../etc/passwd\x1b[2J", Type: "text/plain\x07", Size: 10}},
	}
	return f
}

// onlySGR matches the escape sequences the reader itself may emit: colours
// and text attributes.
var onlySGR = regexp.MustCompile(`\x1b\[[0-9;:]*m`)

func checkNoForeignEscapes(t *testing.T, frame string) {
	t.Helper()
	rest := onlySGR.ReplaceAllString(frame, "")
	for i, r := range rest {
		if (r < 0x20 && r != '\n') || r == 0x7f || (r >= 0x80 && r < 0xa0) || r == '\u202e' || r == '\u202c' {
			t.Fatalf("control character %U at byte %d reaches the terminal: %q", r, i, rest[max(i-20, 0):min(i+20, len(rest))])
		}
	}
}

func TestGoldenScreens(t *testing.T) {
	screens := []struct {
		name  string
		eng   func() *fakeEngine
		keys  []string
		extra func(h *harness)
	}{
		{name: "index", eng: newFake},
		{name: "index_marked", eng: newFake, keys: []string{"d", "j", "d"}},
		{name: "index_threads", eng: newFake, keys: []string{"t"}},
		{name: "index_flagged", eng: newFake, keys: []string{"F", "j", "j", "N", "F"}},
		{name: "index_limit", eng: newFake, keys: []string{"l", "type:~s weekend | ~N", "enter", "O"}},
		{name: "index_tagged", eng: newFake, keys: []string{"T", "j", "T", "F", ";"}},
		{name: "save_prompt", eng: newFake, keys: []string{"T", "T", ";", "s"}},
		{name: "pipe_output", eng: newFake, extra: func(h *harness) {
			h.send(pipedMsg{command: "wc -l", out: []byte("      42\n\x1b[31mred\x1b[0m line\n")})
		}},
		{name: "folders", eng: newFake, keys: []string{"c"}},
		{name: "unified", eng: newFake, keys: []string{"U"}},
		{name: "limit_error", eng: newFake, keys: []string{"l", "type:~s (lunch", "enter"}},
		{name: "index_search", eng: newFake, keys: []string{"/", "type:week"}},
		{name: "confirm_quit", eng: newFake, keys: []string{"d", "d", "q"}},
		{name: "pager", eng: func() *fakeEngine { f := newFake(); f.msgs[8] = richMessage(); return f }, keys: []string{"enter"}},
		{name: "pager_wide", eng: func() *fakeEngine { f := newFake(); f.msgs[7] = wideMessage(); return f }, keys: []string{"j", "enter"}},
		{name: "pager_offline", eng: func() *fakeEngine {
			f := newFake()
			f.openErr[8] = fmt.Errorf("connect: dial tcp 127.0.0.1:995: connection refused")
			return f
		}, keys: []string{"enter"}},
		{name: "attachments", eng: func() *fakeEngine { f := newFake(); f.msgs[8] = richMessage(); return f }, keys: []string{"enter", "v"}},
		{name: "help", eng: newFake, keys: []string{"?"}},
		{name: "hostile_index", eng: hostileFake},
		{name: "hostile_pager", eng: hostileFake, keys: []string{"enter"}},
		{name: "hostile_headers", eng: hostileFake, keys: []string{"enter", "h"}},
		{name: "hostile_attachments", eng: hostileFake, keys: []string{"enter", "v"}},
		{name: "sync_progress", eng: newFake, extra: func(h *harness) {
			h.m.sync.begin(context.Background(), syncSyncing, false, false)
			h.m.sync.progress = mailapi.Progress{Phase: mailapi.PhaseBodies, Done: 37, Total: 120}
		}},
		{name: "empty", eng: func() *fakeEngine { f := newFake(); f.rows = nil; return f }},
		{name: "signin_offer", eng: newFake, extra: func(h *harness) {
			h.m.signInPrompt(refusedSignIn(), jobCheck)
		}},
		{name: "signin_code", eng: newFake, extra: func(h *harness) {
			h.m.signin = signInState{active: true, code: DeviceSignIn{
				URL: "https://login.example.com/device", Code: "WDJB-MJHT",
				CompleteURL: "https://login.example.com/device?user_code=WDJB-MJHT"}}
		}},
	}
	for _, sc := range screens {
		for _, sz := range sizes {
			t.Run(fmt.Sprintf("%s_%dx%d", sc.name, sz.w, sz.h), func(t *testing.T) {
				h := newHarness(t, sc.eng(), func(o *Options) {
					o.UI.DownloadDir = "/home/user/Downloads"
					o.OpenFolder = func(Engine, string) (Engine, error) { return newFake(), nil }
					if sc.name == "unified" {
						o.Accounts = []string{"work", "home"}
						o.OpenAccount = func(name string) (Account, error) {
							f := newFake()
							f.rows = f.rows[2:4]
							return Account{Name: name, Engine: f}, nil
						}
					}
				})
				h.send(tea.WindowSizeMsg{Width: sz.w, Height: sz.h})
				h.keys(sc.keys...)
				if sc.extra != nil {
					sc.extra(h)
				}
				frame := h.m.View().Content
				checkNoForeignEscapes(t, frame)
				plain := h.screen()
				lines := strings.Split(plain, "\n")
				if len(lines) != sz.h {
					t.Errorf("frame has %d lines, want %d", len(lines), sz.h)
				}
				for i, l := range lines {
					if w := stringWidth(l); w != sz.w {
						t.Errorf("line %d is %d cells wide, want %d: %q", i, w, sz.w, l)
					}
				}
				golden.RequireEqual(t, plain)
			})
		}
	}
}

// The same frames with colours, light and dark, and with NO_COLOR: the
// styled frame must differ by style only.
func TestStylesOnlyStyle(t *testing.T) {
	for _, tc := range []struct {
		name          string
		dark, noColor bool
	}{{"dark", true, false}, {"light", false, false}, {"nocolor", true, true}} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFake()
			f.msgs[8] = richMessage()
			h := newHarness(t, f, func(o *Options) { o.NoColor = tc.noColor })
			*h.m.styles = NewStyles("", tc.dark, tc.noColor)
			h.keys("enter")
			frame := h.m.View().Content
			checkNoForeignEscapes(t, frame)
			hasColour := regexp.MustCompile(`\x1b\[[0-9;]*(38|48)[;:]`).MatchString(frame)
			if hasColour == tc.noColor {
				t.Errorf("colour sequences present: %v, NO_COLOR %v", hasColour, tc.noColor)
			}
		})
	}
}

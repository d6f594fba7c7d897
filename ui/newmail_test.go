package ui

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/popterm/popterm/mailapi"
)

// New mail rings the bell and runs notify_cmd with the count and the
// newest new message's sender and subject, sanitized, as plain arguments.
func TestNewMailBellAndNotify(t *testing.T) {
	dir := t.TempDir()
	out := filepath.Join(dir, "args")
	script := filepath.Join(dir, "notify")
	if err := os.WriteFile(script, []byte("#!/bin/sh\nprintf '%s\\n' \"$@\" > "+out+"\n"), 0o700); err != nil {
		t.Fatal(err)
	}
	f := newFake()
	f.syncFn = func(ctx context.Context, opts mailapi.SyncOptions) (mailapi.Result, error) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.rows = append(f.rows,
			mailapi.Summary{ID: 9, From: "Old <old@x>", FromName: "Old", Subject: "older new one", Date: fixedNow.Add(-time.Hour)},
			mailapi.Summary{ID: 10, From: "\x1b[31mMallory <m@x>", FromName: "\x1b[31mMallory", Subject: "--help $(rm -rf ~)\x07", Date: fixedNow})
		return mailapi.Result{New: 2, Committed: true}, nil
	}
	bells := 0
	h := newHarness(t, f, func(o *Options) { o.UI.Bell, o.UI.NotifyCmd = true, script+" --urgency=low" })
	h.hold = func(msg tea.Msg) bool {
		if r, ok := msg.(tea.RawMsg); ok && r.Msg == "\a" {
			bells++
			return true
		}
		return false
	}
	h.keys("$")
	if bells != 1 {
		t.Errorf("%d bells, want 1", bells)
	}
	got, err := os.ReadFile(out)
	if err != nil {
		t.Fatalf("notify_cmd did not run: %v", err)
	}
	want := "--urgency=low\n2\nMallory\n --help $(rm -rf ~)\n"
	if string(got) != want {
		t.Errorf("notify_cmd arguments %q, want %q", got, want)
	}
	// A sync with nothing new stays quiet.
	os.Remove(out)
	f.syncFn = nil
	h.keys("$")
	if _, err := os.Stat(out); err == nil || bells != 1 {
		t.Errorf("a sync without new mail notified (bells %d)", bells)
	}
}

// bell = false and no notify_cmd: nothing rings.
func TestNewMailQuiet(t *testing.T) {
	f := newFake()
	f.syncFn = func(ctx context.Context, opts mailapi.SyncOptions) (mailapi.Result, error) {
		return mailapi.Result{New: 1, Committed: true}, nil
	}
	h := newHarness(t, f, func(o *Options) { o.UI.Bell = false })
	h.hold = func(msg tea.Msg) bool {
		if _, ok := msg.(newMailMsg); ok {
			t.Error("new mail was announced with the bell off and no notify_cmd")
		}
		return false
	}
	h.keys("$")
	if text, _ := h.m.status.Message(); !strings.Contains(text, "1 new") {
		t.Errorf("status %q", text)
	}
}

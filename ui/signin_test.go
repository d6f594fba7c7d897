package ui

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/mailapi"
)

// refusedSignIn is the engine's error for a refresh the provider refused.
func refusedSignIn() error {
	return &mailapi.Error{Kind: mailapi.KindCredentials, Err: fmt.Errorf(
		"account work: %w (invalid_grant: Token has been expired or revoked.); sign in again: popterm account login work", config.ErrSignInAgain)}
}

// signInFake fails its first sync with a refused sign-in, then works.
func signInFake(calls *int) *fakeEngine {
	f := newFake()
	f.syncFn = func(ctx context.Context, o mailapi.SyncOptions) (mailapi.Result, error) {
		*calls++
		if *calls == 1 {
			return mailapi.Result{}, refusedSignIn()
		}
		return mailapi.Result{Committed: true}, nil
	}
	return f
}

func TestRefusedSignInOffersDeviceSignIn(t *testing.T) {
	calls, waits := 0, 0
	var started []string
	h := newHarness(t, signInFake(&calls), func(o *Options) {
		o.NoAutoSync = false
		o.Account.SignIn = true
		o.SetPassword = func(string, string, bool) error { t.Error("a sign-in account was asked for a password"); return nil }
		o.SignIn = func(ctx context.Context, account string) (DeviceSignIn, error) {
			started = append(started, account)
			return DeviceSignIn{URL: "https://login.example.com/device\x1b[2J", Code: "WDJB\x1b]0;x\x07-MJHT", Wait: func(ctx context.Context) error {
				waits++
				return ctx.Err()
			}}, nil
		}
	})
	s := h.screen()
	if h.m.prompt.kind != promptSignIn || !strings.Contains(s, "Sign in again now with a code? [y/N]") ||
		!strings.Contains(s, "sign in again: popterm") {
		t.Fatalf("no sign-in offer after a refused sign-in:\n%s", s)
	}
	var held signInDoneMsg
	h.hold = func(msg tea.Msg) bool {
		d, ok := msg.(signInDoneMsg)
		if ok {
			held = d
		}
		return ok
	}
	h.keys("y")
	if len(started) != 1 || started[0] != "work" || waits != 1 {
		t.Fatalf("sign-in started %v, waited %d times", started, waits)
	}
	s = h.screen()
	if !strings.Contains(s, "https://login.example.com/device") || !strings.Contains(s, "WDJB-MJHT") ||
		!strings.Contains(s, "Waiting for the sign-in · Esc or Ctrl-C cancels") {
		t.Fatalf("the code screen does not show the address and the code:\n%s", s)
	}
	checkNoForeignEscapes(t, h.m.View().Content)
	h.keys("d", "q", "$") // modal: nothing else acts
	if calls != 1 || h.m.status.Pending() != 0 || h.quit {
		t.Fatalf("keys acted during the sign-in: %d syncs, %d pending, quit %v", calls, h.m.status.Pending(), h.quit)
	}
	sel := h.selectedID()
	h.send(tea.MouseClickMsg{X: 10, Y: 4, Button: tea.MouseLeft})
	if h.selectedID() != sel || !h.m.signin.active {
		t.Fatal("a click reached the hidden index during the sign-in")
	}
	h.hold = nil
	h.send(held)
	if calls != 2 || h.m.signin.active {
		t.Fatalf("the sync was not retried after the sign-in: %d syncs, active %v", calls, h.m.signin.active)
	}
	if text, _ := h.m.status.Message(); !strings.Contains(text, "Signed in again.") {
		t.Errorf("status after the retried sync: %q", text)
	}
}

func TestSignInCancelledWithEsc(t *testing.T) {
	for _, key := range []string{"esc", "ctrl+c"} {
		t.Run(key, func(t *testing.T) {
			calls := 0
			var waitCtx context.Context
			h := newHarness(t, signInFake(&calls), func(o *Options) {
				o.NoAutoSync = false
				o.Account.SignIn = true
				o.SignIn = func(ctx context.Context, account string) (DeviceSignIn, error) {
					return DeviceSignIn{URL: "https://x", Code: "C", Wait: func(ctx context.Context) error {
						waitCtx = ctx
						return nil // held below: the user has not signed in yet
					}}, nil
				}
			})
			var held tea.Msg
			h.hold = func(msg tea.Msg) bool {
				if _, ok := msg.(signInDoneMsg); ok {
					held = msg
					return true
				}
				return false
			}
			h.keys("y")
			if waitCtx == nil || waitCtx.Err() != nil {
				t.Fatal("the wait did not start, or started cancelled")
			}
			h.keys(key)
			if waitCtx.Err() == nil || h.m.signin.active || h.quit {
				t.Fatalf("%s did not cancel the wait (active %v, quit %v)", key, h.m.signin.active, h.quit)
			}
			h.hold = nil
			h.send(held) // the wait's late answer changes nothing
			if calls != 1 {
				t.Errorf("a cancelled sign-in retried the sync: %d syncs", calls)
			}
			if text, _ := h.m.status.Message(); !strings.Contains(text, "Sign-in cancelled") {
				t.Errorf("status %q", text)
			}
		})
	}
}

func TestSignInDeclinedAndFailures(t *testing.T) {
	calls := 0
	h := newHarness(t, signInFake(&calls), func(o *Options) {
		o.NoAutoSync = false
		o.Account.SignIn = true
		o.SignIn = func(ctx context.Context, account string) (DeviceSignIn, error) {
			return DeviceSignIn{}, errors.New("the provider has no device authorization URL\x1b[2J")
		}
	})
	h.keys("n")
	if h.m.prompt.Active() || calls != 1 {
		t.Fatalf("n: prompt %v, %d syncs", h.m.prompt.Active(), calls)
	}
	// $ tries the saved sign-in again, which is refused again... here the
	// fake now works, so offer it again with a fresh refusal.
	calls = 0
	h.keys("$")
	if h.m.prompt.kind != promptSignIn {
		t.Fatalf("$ after a refusal does not offer the sign-in again:\n%s", h.screen())
	}
	h.keys("y")
	text, isErr := h.m.status.Message()
	if !isErr || !strings.Contains(text, "Could not start the sign-in: the provider has no device authorization URL") || h.m.signin.active {
		t.Errorf("a failed start: %q (error %v, active %v)", text, isErr, h.m.signin.active)
	}
	checkNoForeignEscapes(t, h.m.View().Content)
}

// A sign-in account whose keyring is unavailable is not asked for a
// password (it has none); the error stays on screen.
func TestSignInAccountNeverAskedForPassword(t *testing.T) {
	f := newFake()
	f.syncFn = func(ctx context.Context, o mailapi.SyncOptions) (mailapi.Result, error) {
		return mailapi.Result{}, fmt.Errorf("account work: reading the refresh token: %w", config.ErrKeyringUnavailable)
	}
	h := newHarness(t, f, func(o *Options) {
		o.NoAutoSync = false
		o.Account.SignIn = true
		o.SetPassword = func(string, string, bool) error { t.Error("asked for a password"); return nil }
	})
	if h.m.prompt.Active() {
		t.Fatalf("a prompt for a sign-in account:\n%s", h.screen())
	}
	if text, _ := h.m.status.Message(); !strings.Contains(text, "keyring") {
		t.Errorf("status %q", text)
	}
}

// An account never signed in (no refresh token) gets the same offer.
func TestNotSignedInOffersSignIn(t *testing.T) {
	f := newFake()
	f.syncFn = func(ctx context.Context, o mailapi.SyncOptions) (mailapi.Result, error) {
		return mailapi.Result{}, fmt.Errorf("get the OAuth2 access token: account work: %w (no refresh token in the keyring under oauth2:work): sign in first: popterm account login work", config.ErrNotSignedIn)
	}
	h := newHarness(t, f, func(o *Options) {
		o.NoAutoSync = false
		o.Account.SignIn = true
		o.SignIn = func(context.Context, string) (DeviceSignIn, error) { return DeviceSignIn{}, errors.New("x") }
	})
	if s := h.screen(); h.m.prompt.kind != promptSignIn || !strings.Contains(s, "Sign in now with a code? [y/N]") || !strings.Contains(s, "sign in first") {
		t.Fatalf("no sign-in offer for an account never signed in:\n%s", s)
	}
}

package setup

import (
	"strings"
	"testing"

	tea "charm.land/bubbletea/v2"

	"github.com/popterm/popterm/config"
)

// TestFormMicrosoftSignin: an Outlook address needs OAuth 2.0: a password
// alone is refused, a client ID saves the account for the sign-in, with no
// probe and no password.
func TestFormMicrosoftSignin(t *testing.T) {
	f := &fakeServer{}
	d := newDriver(t, f)
	d.typeText("bob@outlook.com")
	d.key(tea.KeyEnter)
	if v := d.view(); !strings.Contains(v, "Client ID") || !strings.Contains(v, "only OAuth 2.0") {
		t.Fatalf("form:\n%s", v)
	}
	d.typeText("pw")
	d.key(tea.KeyEnter) // a password alone
	if v := d.view(); len(f.probed) != 0 || !strings.Contains(v, "enter your client ID") {
		t.Fatalf("password alone: probed %d\n%s", len(f.probed), v)
	}
	d.key(tea.KeyBackspace)
	d.key(tea.KeyBackspace)
	d.key(tea.KeyEnter) // empty password: on to the client ID
	d.typeText("0000-client")
	d.key(tea.KeyEnter)
	if v := d.view(); !strings.Contains(v, "opens your browser") || strings.Contains(v, "Connected") {
		t.Fatalf("review:\n%s", v)
	}
	d.key(tea.KeyEnter)
	if len(f.probed) != 0 || len(f.saved) != 1 || f.savedPw != "" {
		t.Fatalf("probed %d, saved %+v with %q", len(f.probed), f.saved, f.savedPw)
	}
	if o := f.saved[0].OAuth2; o.Provider != config.OAuth2Microsoft || o.ClientID != "0000-client" {
		t.Errorf("saved sign-in %+v", o)
	}
}

// TestFormOtherProvidersHaveNoClientID: the client ID is only for
// providers with a built-in sign-in.
func TestFormOtherProvidersHaveNoClientID(t *testing.T) {
	d := newDriver(t, &fakeServer{})
	d.typeText("bob@example.org")
	d.key(tea.KeyEnter)
	if strings.Contains(d.view(), "Client ID") {
		t.Errorf("form:\n%s", d.view())
	}
}

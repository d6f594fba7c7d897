package config

import (
	"reflect"
	"strings"
	"testing"
)

func TestLoadOAuth2(t *testing.T) {
	path := writeConfig(t, `
[[account]]
name = "gmail"
host = "pop.gmail.com"
username = "alice@gmail.com"
oauth2 = "google"
oauth2_client_id = "123.apps.googleusercontent.com"
oauth2_client_secret = "GOCSPX-not-secret"

[[account]]
name = "office"
host = "outlook.office365.com"
username = "bob@contoso.com"
auth = "xoauth2"
oauth2 = "Microsoft"
oauth2_client_id = "00000000-1111-2222-3333-444444444444"
oauth2_tenant = "contoso.onmicrosoft.com"

[[account]]
name = "own"
host = "pop.example.org"
username = "carol"
oauth2 = "custom"
oauth2_client_id = "popterm"
oauth2_client_secret_cmd = "pass show oauth/client"
oauth2_auth_url = "https://id.example.org/authorize"
oauth2_token_url = "https://id.example.org/token"
oauth2_device_url = "http://127.0.0.1:8080/device"
oauth2_scopes = ["pop3", "offline_access"]
`)
	cfg, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	g, o, c := cfg.Accounts[0], cfg.Accounts[1], cfg.Accounts[2]
	if g.OAuth2.Provider != OAuth2Google || g.OAuth2.ClientSecret != "GOCSPX-not-secret" || !g.UsesToken() || g.Auth != AuthAuto {
		t.Errorf("google: %+v", g.OAuth2)
	}
	if o.OAuth2.Provider != OAuth2Microsoft || o.OAuth2.Tenant != "contoso.onmicrosoft.com" || o.Auth != AuthXOAUTH2 {
		t.Errorf("microsoft: %+v", o.OAuth2)
	}
	if !reflect.DeepEqual(c.OAuth2.Scopes, []string{"pop3", "offline_access"}) || c.OAuth2.DeviceURL != "http://127.0.0.1:8080/device" {
		t.Errorf("custom: %+v", c.OAuth2)
	}
	if got := g.PasswordSource(); !strings.Contains(got, "oauth2") {
		t.Errorf("PasswordSource = %q", got)
	}
	if g.OAuth2Key() != "oauth2:gmail" || g.PasswordKey() != "password:gmail" {
		t.Errorf("keys %q %q", g.OAuth2Key(), g.PasswordKey())
	}
	// Save writes the keys back as they were read.
	if err := cfg.Save(); err != nil {
		t.Fatal(err)
	}
	again, err := Load(path)
	if err != nil {
		t.Fatal(err)
	}
	for i := range cfg.Accounts {
		if !sameAccount(again.Accounts[i], cfg.Accounts[i]) {
			t.Errorf("round trip of %s:\n got %+v\nwant %+v", cfg.Accounts[i].Name, again.Accounts[i].OAuth2, cfg.Accounts[i].OAuth2)
		}
	}
}

// oauth2LoadErrors are TestLoadErrors' cases for the oauth2 keys.
var oauth2LoadErrors = []struct {
	name, body string
	line       int
	want       []string
}{
	{"unknown provider", oauthHead + "oauth2 = \"gogle\"\noauth2_client_id = \"x\"\n", 5, []string{"oauth2", `did you mean "google"?`}},
	{"no client id", oauthHead + "oauth2 = \"google\"\n", 5, []string{"oauth2_client_id is missing", "docs/config.md"}},
	{"client id alone", oauthHead + "oauth2_client_id = \"x\"\n", 5, []string{"oauth2_client_id", `needs oauth2 =`}},
	{"password auth", oauthHead + "auth = \"plain\"\noauth2 = \"google\"\noauth2_client_id = \"x\"\n", 5, []string{"auth", "token"}},
	{"both token sources", oauthHead + "oauth2 = \"google\"\noauth2_client_id = \"x\"\noauth2_token_cmd = \"t\"\n", 7, []string{"oauth2_token_cmd", "not both"}},
	{"custom without token url", oauthHead + "oauth2 = \"custom\"\noauth2_client_id = \"x\"\noauth2_auth_url = \"https://a/\"\n", 5, []string{"oauth2_token_url", "token endpoint"}},
	{"plain http", oauthHead + "oauth2 = \"custom\"\noauth2_client_id = \"x\"\noauth2_auth_url = \"http://id.example.org/a\"\noauth2_token_url = \"https://id.example.org/t\"\n", 7, []string{"oauth2_auth_url", "use https"}},
	{"tenant elsewhere", oauthHead + "oauth2 = \"google\"\noauth2_client_id = \"x\"\noauth2_tenant = \"common\"\n", 7, []string{"oauth2_tenant", "microsoft"}},
	{"scopes type", oauthHead + "oauth2 = \"google\"\noauth2_client_id = \"x\"\noauth2_scopes = \"a b\"\n", 7, []string{"oauth2_scopes", "list of scopes"}},
	{"scope with space", oauthHead + "oauth2 = \"google\"\noauth2_client_id = \"x\"\noauth2_scopes = [\"a b\"]\n", 7, []string{"oauth2_scopes", "without spaces"}},
	{"two secrets", oauthHead + "oauth2 = \"google\"\noauth2_client_id = \"x\"\noauth2_client_secret = \"s\"\noauth2_client_secret_cmd = \"c\"\n", 7, []string{"oauth2_client_secret", "not both"}},
	{"xoauth2 without source", oauthHead + "auth = \"xoauth2\"\n", 5, []string{"auth", `needs oauth2 =`, "oauth2_token_cmd"}},
}

// oauthHead starts an account for oauth2LoadErrors.
const oauthHead = "[[account]]\nname = \"w\"\nhost = \"h\"\nusername = \"u\"\n"

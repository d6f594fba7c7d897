package submit_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"
	"time"

	"github.com/popterm/popterm/internal/dovecottest"
	"github.com/popterm/popterm/internal/postfixtest"
	"github.com/popterm/popterm/submit"
)

// TestOAuth2 logs in to Postfix with XOAUTH2 and OAUTHBEARER: Postfix asks
// Dovecot, whose oauth2 passdb asks a token introspection endpoint (RFC
// 7662) served by the test.
func TestOAuth2(t *testing.T) {
	const goodToken = "ya29.good-token"
	introspect := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		r.ParseForm()
		active := r.Form.Get("token") == goodToken
		json.NewEncoder(w).Encode(map[string]any{"active": active, "username": "alice"})
	}))
	defer introspect.Close()
	dove := dovecottest.Start(t, dovecottest.WithAuthSocket(), dovecottest.WithOAuth2(introspect.URL+"/introspect"))
	pf := postfixtest.Start(t, dove)

	for _, mech := range []string{submit.MechXOAUTH2, submit.MechOAuthBearer} {
		t.Run(mech, func(t *testing.T) {
			opts := submit.Options{Host: "127.0.0.1", Port: pf.SMTPSPort, TLS: dove.TLSConfig(), Username: "alice",
				Mechanism: mech, Timeout: 10 * time.Second,
				Token: func(context.Context) (string, error) { return goodToken, nil }}
			c, err := submit.Dial(context.Background(), opts)
			if err != nil {
				t.Fatalf("login with %s: %v", mech, err)
			}
			if c.Mechanism() != mech {
				t.Errorf("mechanism %q", c.Mechanism())
			}
			c.Close()
			opts.Token = func(context.Context) (string, error) { return "expired", nil }
			if _, err := submit.Dial(context.Background(), opts); submit.KindOf(err) != submit.Credentials {
				t.Errorf("a refused token: %v (kind %v), want credentials", err, submit.KindOf(err))
			}
		})
	}
	// auto prefers OAUTHBEARER when a token is given.
	c, err := submit.Dial(context.Background(), submit.Options{Host: "127.0.0.1", Port: pf.SMTPSPort, TLS: dove.TLSConfig(),
		Username: "alice", Timeout: 10 * time.Second, Token: func(context.Context) (string, error) { return goodToken, nil }})
	if err != nil {
		t.Fatal(err)
	}
	defer c.Close()
	if c.Mechanism() != submit.MechOAuthBearer {
		t.Errorf("auto chose %q, want oauthbearer", c.Mechanism())
	}
}

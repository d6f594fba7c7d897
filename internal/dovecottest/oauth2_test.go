package dovecottest_test

import (
	"encoding/base64"
	"net"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/popterm/popterm/internal/dovecottest"
	"github.com/popterm/popterm/internal/oauthtest"
)

// deviceToken signs in at srv with the device grant and returns the access
// token.
func deviceToken(t *testing.T, srv *oauthtest.Server) string {
	t.Helper()
	cfg := &oauth2.Config{ClientID: srv.ClientID, Endpoint: oauth2.Endpoint{
		TokenURL: srv.TokenURL(), DeviceAuthURL: srv.DeviceURL(), AuthStyle: oauth2.AuthStyleInParams}}
	da, err := cfg.DeviceAuth(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	tok, err := cfg.DeviceAccessToken(t.Context(), da)
	if err != nil {
		t.Fatal(err)
	}
	return tok.AccessToken
}

// TestOAuth2 checks that Dovecot itself verifies XOAUTH2 and OAUTHBEARER
// logins against the introspection endpoint, and refuses a revoked token,
// while passwords keep working.
func TestOAuth2(t *testing.T) {
	srv := oauthtest.Start(t, "alice")
	d := dovecottest.Start(t, dovecottest.WithOAuth2(srv.IntrospectURL()))
	token := deviceToken(t, srv)
	xoauth2 := base64.StdEncoding.EncodeToString([]byte("user=alice\x01auth=Bearer " + token + "\x01\x01"))
	bearer := base64.StdEncoding.EncodeToString([]byte("n,a=alice,\x01auth=Bearer " + token + "\x01\x01"))
	login := func(mech, ir string) string {
		c, err := net.Dial("tcp", d.Addr())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		s := dial(t, c)
		s.send("AUTH " + mech + " " + ir)
		reply := s.line()
		if strings.HasPrefix(reply, "+ ") { // the error report of a failed token
			s.send("")
			reply = s.line()
		}
		return reply
	}
	if r := login("XOAUTH2", xoauth2); !strings.HasPrefix(r, "+OK") {
		t.Errorf("XOAUTH2: %q", r)
	}
	if r := login("OAUTHBEARER", bearer); !strings.HasPrefix(r, "+OK") {
		t.Errorf("OAUTHBEARER: %q", r)
	}
	if srv.Introspections() < 2 {
		t.Errorf("Dovecot asked the introspection endpoint %d times", srv.Introspections())
	}
	plain := base64.StdEncoding.EncodeToString([]byte("\x00alice\x00" + d.Password))
	if r := login("PLAIN", plain); !strings.HasPrefix(r, "+OK") {
		t.Errorf("PLAIN beside oauth2: %q", r)
	}
	srv.RevokeAll()
	if r := login("XOAUTH2", xoauth2); !strings.HasPrefix(r, "-ERR") || !strings.Contains(r, "[AUTH]") {
		t.Errorf("revoked token: %q", r)
	}
}

// send writes one command line.
func (s *session) send(line string) {
	s.t.Helper()
	if _, err := s.c.Write([]byte(line + "\r\n")); err != nil {
		s.t.Fatalf("write: %v", err)
	}
}

package pop3

import (
	"bytes"
	"context"
	"crypto/hmac"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"strings"
	"testing"
)

func b64(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

func tokenFunc(tok string) func(context.Context) (string, error) {
	return func(context.Context) (string, error) { return tok, nil }
}

func TestLoginCleartextRefused(t *testing.T) {
	for _, mech := range []string{"", "user", "apop", "plain", "login", "cram-md5", "xoauth2", "oauthbearer"} {
		t.Run("mech="+mech, func(t *testing.T) {
			addr := serve(t, func(p *peer) {
				p.send("+OK <1.2@h>")
				p.expect("QUIT") // nothing at all before: not even CAPA
				p.send("+OK")
			})
			c := dial(t, addr, nil)
			_, err := c.Login(bg, Credentials{Username: "u", Password: "p", Token: tokenFunc("t"), Mechanism: mech})
			if !errors.Is(err, ErrCleartext) {
				t.Fatalf("Login = %v, want ErrCleartext", err)
			}
			if err := c.Quit(bg); err != nil {
				t.Fatal(err)
			}
		})
	}
}

func TestChooseMechanism(t *testing.T) {
	tok := tokenFunc("tok")
	tests := []struct {
		name string
		capa []string // nil: CAPA unknown
		cred Credentials
		want string // "" means ErrNoMechanism
	}{
		{name: "oauthbearer first", capa: []string{"SASL PLAIN XOAUTH2 OAUTHBEARER", "USER"}, cred: Credentials{Password: "p", Token: tok}, want: MechOAuthBearer},
		{name: "xoauth2", capa: []string{"SASL PLAIN XOAUTH2"}, cred: Credentials{Token: tok}, want: MechXOAUTH2},
		{name: "token without oauth falls to password", capa: []string{"SASL PLAIN"}, cred: Credentials{Password: "p", Token: tok}, want: MechPlain},
		{name: "token only, no oauth", capa: []string{"SASL PLAIN", "USER"}, cred: Credentials{Token: tok}},
		{name: "plain before login", capa: []string{"SASL LOGIN PLAIN", "USER"}, cred: Credentials{Password: "p"}, want: MechPlain},
		{name: "login", capa: []string{"SASL LOGIN CRAM-MD5", "USER"}, cred: Credentials{Password: "p"}, want: MechLogin},
		{name: "user", capa: []string{"USER", "SASL CRAM-MD5"}, cred: Credentials{Password: "p"}, want: MechUser},
		{name: "capa unknown", capa: nil, cred: Credentials{Password: "p"}, want: MechUser},
		{name: "cram-md5 never automatic", capa: []string{"SASL CRAM-MD5"}, cred: Credentials{Password: "p"}},
		{name: "oauth without token", capa: []string{"SASL XOAUTH2 OAUTHBEARER"}, cred: Credentials{Password: "p"}},
		{name: "nothing given", capa: []string{"USER"}, cred: Credentials{}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := &Client{caps: &Capabilities{}}
			if tt.capa != nil {
				c.caps = ParseCapabilities(tt.capa)
			}
			got, err := c.choose(tt.cred)
			if tt.want == "" {
				if !errors.Is(err, ErrNoMechanism) {
					t.Fatalf("choose = %q, %v; want ErrNoMechanism", got, err)
				}
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("choose = %q, %v; want %q", got, err, tt.want)
			}
		})
	}
}

// TestLoginMechanisms runs each mechanism on the wire.
func TestLoginMechanisms(t *testing.T) {
	long := strings.Repeat("T", 300) // an OAuth token: too long for the AUTH line
	mac := hmac.New(md5.New, []byte("pw"))
	mac.Write([]byte("<17.42@server>"))
	cram := "alice " + hex.EncodeToString(mac.Sum(nil))
	apop := md5.Sum([]byte("<1.2@h>pw"))
	tests := []struct {
		name string
		capa string
		cred Credentials
		auth func(p *peer)
	}{
		{name: MechPlain, capa: "SASL PLAIN", cred: Credentials{Username: "alice", Password: "pw"}, auth: func(p *peer) {
			p.expect("AUTH PLAIN " + b64("\x00alice\x00pw"))
			p.send("+OK")
		}},
		{name: MechLogin, capa: "SASL LOGIN", cred: Credentials{Username: "alice", Password: "pw"}, auth: func(p *peer) {
			p.expect("AUTH LOGIN " + b64("alice"))
			p.send("+ " + b64("Password:"))
			p.expect(b64("pw"))
			p.send("+OK")
		}},
		{name: MechCRAMMD5, capa: "SASL CRAM-MD5", cred: Credentials{Username: "alice", Password: "pw", Mechanism: "CRAM-MD5"}, auth: func(p *peer) {
			p.expect("AUTH CRAM-MD5")
			p.send("+ " + b64("<17.42@server>"))
			p.expect(b64(cram))
			p.send("+OK")
		}},
		{name: MechXOAUTH2, capa: "SASL XOAUTH2", cred: Credentials{Username: "alice", Token: tokenFunc(long)}, auth: func(p *peer) {
			p.expect("AUTH XOAUTH2")
			p.send("+ ")
			p.expect(b64("user=alice\x01auth=Bearer " + long + "\x01\x01"))
			p.send("+OK")
		}},
		{name: MechXOAUTH2 + " short", capa: "SASL XOAUTH2", cred: Credentials{Username: "alice", Token: tokenFunc("short")}, auth: func(p *peer) {
			p.expect("AUTH XOAUTH2 " + b64("user=alice\x01auth=Bearer short\x01\x01"))
			p.send("+OK")
		}},
		{name: MechOAuthBearer, capa: "SASL OAUTHBEARER XOAUTH2", cred: Credentials{Username: "alice", Token: tokenFunc(long)}, auth: func(p *peer) {
			p.expect("AUTH OAUTHBEARER")
			p.send("+")
			got, err := base64.StdEncoding.DecodeString(p.line())
			if err != nil || !bytes.HasPrefix(got, []byte("n,a=alice,")) || !bytes.Contains(got, []byte("\x01auth=Bearer "+long+"\x01\x01")) {
				p.t.Errorf("OAUTHBEARER payload %q, %v", got, err)
			}
			p.send("+OK")
		}},
		{name: MechAPOP, capa: "USER", cred: Credentials{Username: "alice", Password: "pw", Mechanism: "apop"}, auth: func(p *peer) {
			p.expect("APOP alice " + hex.EncodeToString(apop[:]))
			p.send("+OK")
		}},
		{name: MechUser, capa: "USER", cred: Credentials{Username: "alice", Password: "pw"}, auth: func(p *peer) {
			p.expect("USER alice")
			p.send("+OK")
			p.expect("PASS pw")
			p.send("+OK")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := serve(t, func(p *peer) {
				p.send("+OK hi <1.2@h>")
				p.expect("CAPA")
				p.send("+OK", tt.capa, "UTF8", ".")
				p.expect("UTF8") // RFC 6856: before authenticating
				p.send("+OK")
				tt.auth(p)
				p.expect("CAPA")
				p.send("+OK", "TOP", ".")
				p.expect("QUIT")
				p.send("+OK")
			})
			c := dial(t, addr, nil)
			tt.cred.AllowCleartext = true
			mech, err := c.Login(bg, tt.cred)
			if err != nil || mech != strings.Fields(tt.name)[0] {
				t.Fatalf("Login = %q, %v", mech, err)
			}
			if !c.Caps().Top {
				t.Fatal("CAPA after login not kept")
			}
			if err := c.Quit(bg); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestLoginOneAttempt: a refused mechanism is never followed by another.
func TestLoginOneAttempt(t *testing.T) {
	var trace bytes.Buffer
	addr := serve(t, func(p *peer) {
		p.send("+OK")
		p.expect("CAPA")
		p.send("+OK", "SASL PLAIN LOGIN", "USER", ".")
		p.expect("AUTH PLAIN " + b64("\x00alice\x00hunter2"))
		p.send("-ERR [AUTH] bad password hunter2 / " + b64("\x00alice\x00hunter2"))
		p.expect("QUIT")
		p.send("+OK")
	})
	c := dial(t, addr, &Options{Debug: &trace})
	mech, err := c.Login(bg, Credentials{Username: "alice", Password: "hunter2", AllowCleartext: true})
	var se *Error
	if !errors.As(err, &se) || se.Code != CodeAuth || se.Command != "AUTH" || se.Mechanism != "PLAIN" || mech != MechPlain {
		t.Fatalf("Login = %q, %v; want *Error [AUTH]", mech, err)
	}
	if strings.Contains(err.Error(), "hunter2") || strings.Contains(err.Error(), b64("\x00alice\x00hunter2")) {
		t.Fatalf("error leaks the password: %v", err)
	}
	if !strings.HasPrefix(err.Error(), "pop3: AUTH PLAIN: [AUTH] bad password [redacted]") {
		t.Fatalf("error text = %q", err)
	}
	// A second Login on the session sends nothing: the server sees QUIT next.
	if _, err := c.Login(bg, Credentials{Username: "alice", Password: "hunter2", Mechanism: MechLogin, AllowCleartext: true}); err == nil || !strings.Contains(err.Error(), "one attempt per session") {
		t.Fatalf("second Login = %v, want a refusal to try again", err)
	}
	if err := c.Quit(bg); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(trace.String(), "hunter2") || strings.Contains(trace.String(), b64("\x00alice\x00hunter2")) {
		t.Fatalf("trace leaks the password:\n%s", trace.String())
	}
	if !strings.Contains(trace.String(), "C: AUTH PLAIN [redacted]") {
		t.Fatalf("trace misses the AUTH line:\n%s", trace.String())
	}
}

func TestTraceRedaction(t *testing.T) {
	var trace bytes.Buffer
	addr := serve(t, func(p *peer) {
		p.send("+OK <9@h>")
		p.expect("USER bob")
		p.send("+OK")
		p.expect("PASS topsecret")
		p.send("-ERR topsecret is wrong")
		p.line() // APOP
		p.send("-ERR no")
		p.expect("CAPA")
		p.send("-ERR what?")
		p.expect("AUTH LOGIN " + b64("bob"))
		p.send("+ " + b64("Password:"))
		p.expect(b64("topsecret"))
		p.send("-ERR [AUTH] nope")
	})
	c := dial(t, addr, &Options{Debug: &trace})
	c.User(bg, "bob")
	err := c.Pass(bg, "topsecret")
	if err == nil || strings.Contains(err.Error(), "topsecret") {
		t.Fatalf("Pass = %v", err)
	}
	c.APOP(bg, "bob", "topsecret")
	c.Login(bg, Credentials{Username: "bob", Password: "topsecret", Mechanism: "login", AllowCleartext: true})
	out := trace.String()
	for _, leak := range []string{"topsecret", b64("topsecret")} {
		if strings.Contains(out, leak) {
			t.Fatalf("trace leaks %q:\n%s", leak, out)
		}
	}
	for _, want := range []string{"C: USER bob", "C: PASS [redacted]", "C: APOP bob [redacted]", "S: -ERR [redacted] is wrong"} {
		if !strings.Contains(out, want) {
			t.Fatalf("trace lacks %q:\n%s", want, out)
		}
	}
}

// TestLoginServerCloses: servers that drop the connection after a failed
// login give a clean error.
func TestLoginServerCloses(t *testing.T) {
	tests := []struct {
		name  string
		reply string
	}{
		{name: "after -ERR", reply: "-ERR [AUTH] authentication failed"},
		{name: "without a reply"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := serve(t, func(p *peer) {
				p.send("+OK")
				p.expect("CAPA")
				p.send("-ERR")
				p.expect("USER alice")
				p.send("+OK")
				p.expect("PASS pw")
				if tt.reply != "" {
					p.send(tt.reply)
				}
			})
			c := dial(t, addr, nil)
			_, err := c.Login(bg, Credentials{Username: "alice", Password: "pw", Mechanism: "user", AllowCleartext: true})
			var se *Error
			if tt.reply != "" {
				if !errors.As(err, &se) || se.Code != CodeAuth {
					t.Fatalf("Login = %v, want *Error [AUTH]", err)
				}
			} else if !errors.Is(err, ErrServerClosed) {
				t.Fatalf("Login = %v, want ErrServerClosed", err)
			}
			if err := c.Noop(bg); err == nil {
				t.Fatal("NOOP on a closed connection succeeded")
			}
		})
	}
}

// TestLoginServerClosesDuringSASL: the server answers -ERR and closes while
// the client still writes its response; the -ERR is what is reported.
func TestLoginServerClosesDuringSASL(t *testing.T) {
	addr := serve(t, func(p *peer) {
		p.send("+OK")
		p.expect("CAPA")
		p.send("+OK", "SASL XOAUTH2", ".")
		p.expect("AUTH XOAUTH2")
		p.send("-ERR [SYS/PERM] account disabled")
	})
	c := dial(t, addr, nil)
	_, err := c.Login(bg, Credentials{Username: "a", Token: tokenFunc(strings.Repeat("x", 400)), AllowCleartext: true})
	var se *Error
	if !errors.As(err, &se) || se.Code != CodeSysPerm {
		t.Fatalf("Login = %v, want *Error [SYS/PERM]", err)
	}
}

// fixedMech is a SASL client with a fixed initial response.
type fixedMech struct {
	name    string
	ir      []byte
	nextErr error
}

func (m *fixedMech) Start() (string, []byte, error) { return m.name, m.ir, nil }
func (m *fixedMech) Next([]byte) ([]byte, error) {
	if m.nextErr != nil {
		return nil, m.nextErr
	}
	return []byte("next"), nil
}

// TestAuthInitialResponse checks RFC 5034's 255-octet rule and "=".
func TestAuthInitialResponse(t *testing.T) {
	ir180 := bytes.Repeat([]byte{0xfe}, 180) // "AUTH TESTXYZ <240>\r\n" is exactly 255 octets
	ir181 := bytes.Repeat([]byte{0xfe}, 181) // 259 octets: deferred
	tests := []struct {
		name   string
		mech   *fixedMech
		script func(p *peer)
	}{
		{name: "exactly 255 octets on the line", mech: &fixedMech{name: "TESTXYZ", ir: ir180}, script: func(p *peer) {
			line := p.line()
			if len(line)+2 != 255 || line != "AUTH TESTXYZ "+base64.StdEncoding.EncodeToString(ir180) {
				p.t.Errorf("AUTH line of %d octets: %q", len(line)+2, line)
			}
			p.send("+OK")
		}},
		{name: "256 and more after the challenge", mech: &fixedMech{name: "TESTXYZ", ir: ir181}, script: func(p *peer) {
			p.expect("AUTH TESTXYZ")
			p.send("+ ")
			p.expect(base64.StdEncoding.EncodeToString(ir181))
			p.send("+OK")
		}},
		{name: "empty initial response", mech: &fixedMech{name: "EMPTY", ir: []byte{}}, script: func(p *peer) {
			p.expect("AUTH EMPTY =")
			p.send("+OK")
		}},
		{name: "no initial response", mech: &fixedMech{name: "NONE"}, script: func(p *peer) {
			p.expect("AUTH NONE")
			p.send("+ " + b64("chal"))
			p.expect(b64("next"))
			p.send("+OK")
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := serve(t, func(p *peer) {
				p.send("+OK")
				tt.script(p)
			})
			c := dial(t, addr, nil)
			if err := c.Auth(bg, tt.mech); err != nil {
				t.Fatal(err)
			}
		})
	}
}

// TestAuthCancel: a client-side failure sends "*" and keeps the session.
func TestAuthCancel(t *testing.T) {
	tests := []struct {
		name      string
		challenge string
		mech      *fixedMech
	}{
		{name: "bad base64", challenge: "+ !!!not base64", mech: &fixedMech{name: "X"}},
		{name: "mechanism error", challenge: "+ " + b64("what"), mech: &fixedMech{name: "X", nextErr: errors.New("unexpected challenge")}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			addr := serve(t, func(p *peer) {
				p.send("+OK")
				p.expect("AUTH X")
				p.send(tt.challenge)
				p.expect("*")
				p.send("-ERR cancelled")
				p.expect("NOOP")
				p.send("+OK")
			})
			c := dial(t, addr, nil)
			err := c.Auth(bg, tt.mech)
			if err == nil || !strings.Contains(err.Error(), "authentication cancelled") {
				t.Fatalf("Auth = %v, want a cancelled exchange", err)
			}
			if err := c.Noop(bg); err != nil {
				t.Fatalf("session unusable after cancel: %v", err)
			}
		})
	}
}

func TestAPOPWithoutTimestamp(t *testing.T) {
	addr := serve(t, func(p *peer) {
		p.send("+OK no stamp")
		p.expect("QUIT")
		p.send("+OK")
	})
	c := dial(t, addr, nil)
	if err := c.APOP(bg, "a", "b"); err == nil || !strings.Contains(err.Error(), "timestamp") {
		t.Fatalf("APOP = %v", err)
	}
	if err := c.Quit(bg); err != nil {
		t.Fatal(err)
	}
}

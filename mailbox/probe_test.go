package mailbox

import (
	"context"
	"errors"
	"fmt"
	"net"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/popterm/popterm/cache"
	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/internal/dovecottest"
	"github.com/popterm/popterm/mailapi"
	"github.com/popterm/popterm/pop3"
	"github.com/popterm/popterm/pop3/pop3test"
)

// timeoutErr is a net.Error that timed out.
type timeoutErr struct{}

func (timeoutErr) Error() string   { return "i/o timeout" }
func (timeoutErr) Timeout() bool   { return true }
func (timeoutErr) Temporary() bool { return true }

func TestConnectFailureSaysWhatToCheck(t *testing.T) {
	acct := config.NewAccount("x")
	acct.Host, acct.Port = "h", 995
	tests := []struct {
		name string
		err  error
		want string
		kind Kind
	}{
		{"unknown host", fmt.Errorf("pop3: connecting: %w", &net.DNSError{Err: "no such host", Name: "pop.example.org", Server: "10.0.0.53:53", IsNotFound: true}),
			"no host named pop.example.org: check the host name", KindConfig},
		{"timeout", fmt.Errorf("pop3: greeting: %w", timeoutErr{}), "check the port and TLS mode", KindTryLater},
		{"implicit-TLS port", fmt.Errorf("pop3: connecting to h:995: no greeting within 5s: %w", pop3.ErrWantsTLS), "this port expects TLS from the start: use implicit TLS", KindConfig},
		{"other", errors.New("pop3: greeting: -ERR go away"), "-ERR go away", KindOther},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			err := connectFailure(&acct, tt.err)
			msg := err.Error()
			if !strings.HasPrefix(msg, "connect to h:995 (implicit TLS): ") || !strings.Contains(msg, tt.want) {
				t.Fatalf("message %q, want it to contain %q", msg, tt.want)
			}
			if strings.Contains(msg, "10.0.0.53") {
				t.Fatalf("message names the resolver: %q", msg)
			}
			if mailapi.KindOf(err) != tt.kind || !mailapi.Advises(err) || !errors.Is(err, tt.err) {
				t.Errorf("kind %v (want %v), advises %v, cause kept %v", mailapi.KindOf(err), tt.kind, mailapi.Advises(err), errors.Is(err, tt.err))
			}
		})
	}
}

func TestProbeRefusedPort(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().(*net.TCPAddr)
	ln.Close()
	a := config.NewAccount("x")
	a.Host, a.Port, a.TLS, a.Username, a.Timeout = "127.0.0.1", addr.Port, config.TLSImplicit, "u", 5*time.Second
	_, err = Probe(context.Background(), &a, Credentials{})
	if err == nil || !strings.HasSuffix(err.Error(), "connection refused: check the port") || mailapi.KindOf(err) != mailapi.KindTryLater {
		t.Fatalf("probe of a closed port: %v", err)
	}
}

func TestProbeImplicitTLSOnPlainPort(t *testing.T) {
	s := pop3test.NewTest(t, pop3test.Config{})
	host, port, _ := net.SplitHostPort(s.Addr())
	a := config.NewAccount("x")
	a.Host, a.TLS, a.Username, a.Timeout = host, config.TLSImplicit, "u", 5*time.Second
	a.Port, _ = strconv.Atoi(port)
	_, err := Probe(context.Background(), &a, Credentials{})
	if err == nil || !strings.Contains(err.Error(), "does not speak TLS") {
		t.Fatalf("implicit TLS to a plain POP3 port: %v", err)
	}
}

// An account with a token command signs in with the token, whatever the
// probe was given as a password (config.Account.UsesToken, as a sync).
func TestProbeUsesTheTokenRuleOfSyncs(t *testing.T) {
	s := pop3test.NewTest(t, pop3test.Config{Tokens: map[string]string{pop3test.DefaultUser: "tok"}})
	host, port, _ := net.SplitHostPort(s.Addr())
	a := config.NewAccount("x")
	a.Host, a.TLS, a.Username, a.Timeout = host, config.TLSNone, pop3test.DefaultUser, 5*time.Second
	a.Port, _ = strconv.Atoi(port)
	a.AllowCleartextAuth, a.Auth, a.OAuth2TokenCmd = true, "AUTO", "printf tok"
	res, err := Probe(context.Background(), &a, Credentials{
		Password: func(context.Context) (string, error) { return "", errors.New("a password was asked for") },
		Token:    func(context.Context) (string, error) { return "tok", nil },
	})
	if err != nil || !strings.EqualFold(res.Mechanism, "xoauth2") && !strings.EqualFold(res.Mechanism, "oauthbearer") {
		t.Fatalf("probe: %+v, %v", res, err)
	}
}

// The probe (`account add`, `account test`, the setup form) and the sync
// share one dial and login: against a real Dovecot, with every TLS mode and
// every mechanism it offers, the same account probes and then syncs.
func TestDovecotProbeAndSyncShareTheLogin(t *testing.T) {
	dc := dovecottest.Start(t)
	dc.Deliver(dc.User, dovecotMail(1))
	for _, mode := range []string{config.TLSImplicit, config.TLSStartTLS, config.TLSNone} {
		for _, mech := range []string{"user", "plain", "login", "cram-md5", "apop", "auto"} {
			t.Run(mode+"_"+mech, func(t *testing.T) {
				addr := dc.Addr()
				if mode == config.TLSImplicit {
					addr = dc.TLSAddr()
				}
				host, port, _ := net.SplitHostPort(addr)
				acct := config.NewAccount("dc")
				acct.Host, acct.TLS, acct.Username, acct.Auth = host, mode, dc.User, mech
				acct.Port, _ = strconv.Atoi(port)
				acct.CAFile, acct.Timeout = dc.CAFile(), 10*time.Second
				acct.AllowCleartextAuth = mode == config.TLSNone
				acct.StoreDir = filepath.Join(t.TempDir(), "store")
				pw := dc.Password
				creds := Credentials{Password: func(context.Context) (string, error) { return pw, nil }}
				res, err := Probe(context.Background(), &acct, creds)
				if err != nil {
					t.Fatalf("probe: %v", err)
				}
				if mech != "auto" && !strings.EqualFold(res.Mechanism, mech) {
					t.Errorf("probe logged in with %q, want %q", res.Mechanism, mech)
				}
				if (mode == config.TLSNone) != (res.TLSVersion == "none") || (mode != config.TLSNone && res.CertSHA256 == "") {
					t.Errorf("mode %s: TLS %q, certificate %q", mode, res.TLSVersion, res.CertSHA256)
				}
				st, err := cache.Open(acct.StoreDir, cache.Options{})
				if err != nil {
					t.Fatal(err)
				}
				defer st.Close()
				eng := New(&acct, st, creds)
				defer eng.Close()
				sres, err := eng.Sync(context.Background(), SyncOptions{})
				if err != nil || sres.New != 1 {
					t.Fatalf("sync with the probed account: %+v, %v", sres, err)
				}
				creds.Password = func(context.Context) (string, error) { return "wrong", nil }
				_, err = Probe(context.Background(), &acct, creds)
				if mailapi.KindOf(err) != mailapi.KindCredentials {
					t.Errorf("a wrong password: kind %v, %v", mailapi.KindOf(err), err)
				}
			})
		}
	}
}

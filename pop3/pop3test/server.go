package pop3test

import (
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"sync"
	"time"
)

// Default credentials, used when Config.Users is empty.
const (
	DefaultUser     = "user"
	DefaultPassword = "pass"
)

// Config configures a Server. The zero value is a plain-text server with one
// user (DefaultUser, DefaultPassword) and an empty maildrop.
type Config struct {
	// Users maps user names to passwords. Empty means one user,
	// DefaultUser with DefaultPassword.
	Users map[string]string
	// Tokens maps user names to the OAuth2 access token that XOAUTH2 and
	// OAUTHBEARER accept for them.
	Tokens map[string]string

	// Maildrop is the maildrop of every user without an entry in Maildrops.
	// Nil means a new empty one (see Server.Maildrop).
	Maildrop *Maildrop
	// Maildrops gives users a maildrop of their own.
	Maildrops map[string]*Maildrop
	// NoLock lets several sessions use one maildrop at once. By default a
	// session holds its maildrop's lock from login to the end of the
	// connection, and a second login is answered "-ERR [IN-USE]".
	NoLock bool

	// TLS enables STLS (RFC 2595), advertised in CAPA. With Implicit, the
	// server speaks TLS from the first byte instead (RFC 8314), and offers
	// no STLS.
	TLS      *tls.Config
	Implicit bool
	// RequireTLS refuses USER, PASS, APOP and AUTH before TLS with
	// "-ERR [AUTH]", and leaves USER and SASL out of CAPA until then, like
	// Dovecot's default disable_plaintext_auth.
	RequireTLS bool

	// NoCAPA answers CAPA with -ERR, like a pre-RFC 2449 server.
	NoCAPA bool
	// NoTOP, NoUIDL, NoUSER and NoPipelining remove the command (answered
	// with -ERR) or capability; NoPipelining only stops advertising it (the
	// server still answers commands in order).
	NoTOP, NoUIDL, NoUSER, NoPipelining bool
	// SASL lists the mechanisms offered by AUTH. Nil means PLAIN, LOGIN and
	// CRAM-MD5, plus XOAUTH2 and OAUTHBEARER when Tokens is set. An empty
	// non-nil slice offers no AUTH.
	SASL []string
	// APOP puts a timestamp in the greeting and accepts APOP.
	APOP bool
	// UTF8 advertises and accepts the RFC 6856 UTF8 command.
	UTF8 bool
	// ExpireDays, when set, advertises "EXPIRE n" (a negative n advertises
	// "EXPIRE NEVER").
	ExpireDays *int
	// LoginDelay, when above 0, advertises "LOGIN-DELAY" in whole seconds.
	// The server does not enforce it.
	LoginDelay time.Duration
	// CapaAfterAuthOnly lists capability names (e.g. "TOP", "PIPELINING")
	// advertised only after login, as Gmail did. The commands work anyway.
	CapaAfterAuthOnly []string
	// Implementation is the IMPLEMENTATION capability ("pop3test" when
	// empty).
	Implementation string

	// Gmail lists the way Gmail's POP3 does (see gmail.go): a session
	// lists at most GmailBatch messages (default 250) not yet handed out,
	// and a message retrieved (RETR) in one session is left out of every
	// later listing; a user name with the "recent:" prefix gets a rolling
	// listing of every message instead, those already retrieved included.
	Gmail      bool
	GmailBatch int
	// IdleTimeout, when above 0, drops a connection (without a word, and
	// without committing its deletions) when the client sends nothing for
	// that long, as Outlook does after about a minute.
	IdleTimeout time.Duration
	// NoInitialResponse refuses an AUTH line that carries an initial
	// response, as servers without RFC 4959-style SASL-IR do: the client
	// must wait for the "+ " challenge.
	NoInitialResponse bool

	// Faults is the initial set of faults; see Server.SetFaults.
	Faults Faults

	// Logf, when set, receives a trace of every session (secrets redacted).
	Logf func(format string, args ...any)
}

// Command is one command line the server received.
type Command struct {
	// Conn numbers the connection, from 1 in order of acceptance.
	Conn int
	// Verb is the command verb in upper case, e.g. "RETR".
	Verb string
	// Line is the whole line with secrets (PASS, APOP digest, AUTH
	// responses) replaced by "***".
	Line string
	// TLS reports whether the command arrived over TLS.
	TLS bool
}

// Server is a running POP3 test server on 127.0.0.1.
type Server struct {
	cfg      Config
	ln       net.Listener
	maildrop *Maildrop

	mu      sync.Mutex
	faults  Faults
	log     []Command
	conns   map[net.Conn]bool
	nconns  int
	closed  bool
	closing chan struct{}
	wg      sync.WaitGroup
}

// Start starts a server listening on a free port of 127.0.0.1.
func Start(cfg Config) (*Server, error) {
	if cfg.Implicit && cfg.TLS == nil {
		return nil, errors.New("pop3test: Implicit needs Config.TLS")
	}
	if len(cfg.Users) == 0 {
		cfg.Users = map[string]string{DefaultUser: DefaultPassword}
	}
	if cfg.Maildrop == nil {
		cfg.Maildrop = NewMaildrop()
	}
	if cfg.SASL == nil {
		cfg.SASL = []string{"PLAIN", "LOGIN", "CRAM-MD5"}
		if len(cfg.Tokens) > 0 {
			cfg.SASL = append(cfg.SASL, "XOAUTH2", "OAUTHBEARER")
		}
	}
	if cfg.Gmail && cfg.GmailBatch <= 0 {
		cfg.GmailBatch = DefaultGmailBatch
	}
	if cfg.Implementation == "" {
		cfg.Implementation = "pop3test"
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("pop3test: listen: %w", err)
	}
	s := &Server{
		cfg:      cfg,
		ln:       ln,
		maildrop: cfg.Maildrop,
		faults:   cfg.Faults,
		conns:    make(map[net.Conn]bool),
		closing:  make(chan struct{}),
	}
	s.wg.Add(1)
	go s.serve()
	return s, nil
}

// TB is the part of testing.TB that NewTest uses (so that this package, which
// popterm's demo links in, does not import package testing).
type TB interface {
	Helper()
	Fatal(args ...any)
	Cleanup(func())
}

// NewTest starts a server and closes it when the test ends. It fails the
// test if the server cannot start. Pass a *testing.T or *testing.B.
func NewTest(t TB, cfg Config) *Server {
	t.Helper()
	s, err := Start(cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Close)
	return s
}

// Addr returns the listening address, "127.0.0.1:port".
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Maildrop returns the maildrop of users without one of their own.
func (s *Server) Maildrop() *Maildrop { return s.maildrop }

// SetFaults replaces the faults; sessions see them from their next command.
func (s *Server) SetFaults(f Faults) {
	s.mu.Lock()
	s.faults = f
	s.mu.Unlock()
}

// Faults returns the current faults.
func (s *Server) Faults() Faults {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.faults
}

// Log returns every command received so far, in order of arrival.
func (s *Server) Log() []Command {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Command(nil), s.log...)
}

// Commands returns the verbs of every command received so far, e.g.
// ["CAPA", "AUTH", "UIDL", "QUIT"]. SASL continuation lines are not
// commands and are not listed.
func (s *Server) Commands() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]string, len(s.log))
	for i, c := range s.log {
		out[i] = c.Verb
	}
	return out
}

// ResetLog forgets the commands received so far.
func (s *Server) ResetLog() {
	s.mu.Lock()
	s.log = nil
	s.mu.Unlock()
}

// Connections returns how many connections the server has accepted.
func (s *Server) Connections() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.nconns
}

// Close stops the server: it closes the listener and every connection
// (without committing their deletions) and waits for the sessions to end.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	close(s.closing)
	s.ln.Close()
	for c := range s.conns {
		c.Close()
	}
	s.mu.Unlock()
	s.wg.Wait()
}

func (s *Server) serve() {
	defer s.wg.Done()
	for {
		conn, err := s.ln.Accept()
		if err != nil {
			return
		}
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			conn.Close()
			return
		}
		s.nconns++
		id := s.nconns
		s.conns[conn] = true
		s.wg.Add(1)
		s.mu.Unlock()
		go func() {
			defer s.wg.Done()
			defer s.forget(conn)
			newSession(s, conn, id).run()
		}()
	}
}

func (s *Server) forget(conn net.Conn) {
	conn.Close()
	s.mu.Lock()
	delete(s.conns, conn)
	s.mu.Unlock()
}

func (s *Server) record(c Command) {
	s.mu.Lock()
	s.log = append(s.log, c)
	s.mu.Unlock()
}

func (s *Server) logf(format string, args ...any) {
	if s.cfg.Logf != nil {
		s.cfg.Logf(format, args...)
	}
}

// maildropFor returns the maildrop of user.
func (s *Server) maildropFor(user string) *Maildrop {
	if md, ok := s.cfg.Maildrops[user]; ok && md != nil {
		return md
	}
	return s.maildrop
}

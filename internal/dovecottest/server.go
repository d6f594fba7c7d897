// Package dovecottest starts a real Dovecot POP3 server for tests and
// benchmarks: a foreground process on free ports of 127.0.0.1 with its own
// configuration in a private folder (nothing is read from /etc/dovecot), a
// passwd-file user database with plaintext ({PLAIN}) passwords so that
// USER/PASS, APOP (RFC 1939), SASL PLAIN, LOGIN and CRAM-MD5 (RFC 5034,
// RFC 2195) all work, Maildir mailboxes, and a self-signed certificate for
// STLS (RFC 2595) on the cleartext port and implicit TLS (RFC 8314) on a
// second port. UIDLs follow pop3_uidl_format = %08Xu%08Xv; Dovecot advertises
// PIPELINING (RFC 2449).
//
// Tests call Start, which skips (or fails in CI) when Dovecot is not
// installed; programs such as benchmarks call StartProcess and Stop.
package dovecottest

import (
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/popterm/popterm/internal/testenv"
	"github.com/popterm/popterm/internal/testproc"
)

// Binary is where Debian installs Dovecot's master program.
const Binary = "/usr/sbin/dovecot"

const (
	// readyTimeout bounds how long a start may take before it is an error.
	readyTimeout = 15 * time.Second
	// stopTimeout bounds a graceful stop before the process group is killed.
	stopTimeout = 10 * time.Second
)

// Server is a running Dovecot instance. Its methods are safe for concurrent
// use.
type Server struct {
	// User and Password are the default user's credentials.
	User, Password string

	dir      string
	binary   string
	confPath string
	id       identity
	set      settings
	cert     *certificate
	port     int
	tlsPort  int
	tb       testing.TB // nil when started by StartProcess

	mu       sync.Mutex
	users    map[string]string
	proc     *testproc.Proc
	seq      uint64    // for unique Maildir file names
	lastTime time.Time // the time in the last Maildir file name
}

// Lookup returns the path of the dovecot program, or an error saying how to
// install it (also when the POP3 server, package dovecot-pop3d, is missing).
func Lookup() (string, error) {
	bin := Binary
	if _, err := os.Stat(bin); err != nil {
		if bin, err = exec.LookPath("dovecot"); err != nil {
			return "", errors.New("dovecot not installed (apt-get install dovecot-core dovecot-pop3d)")
		}
	}
	for _, libexec := range []string{"/usr/lib/dovecot", "/usr/libexec/dovecot"} {
		if _, err := os.Stat(libexec); err != nil {
			continue
		}
		if _, err := os.Stat(filepath.Join(libexec, "pop3-login")); err != nil {
			return "", errors.New("dovecot's POP3 server not installed (apt-get install dovecot-pop3d)")
		}
	}
	return bin, nil
}

// Start starts Dovecot for the test in t.TempDir() and stops it when the test
// ends. When Dovecot is not installed it calls testenv.Missing (a skip on a
// developer's machine, a failure in CI). When the test fails, the end of
// Dovecot's log is added to the test output.
func Start(t testing.TB, opts ...Option) *Server {
	t.Helper()
	if _, err := Lookup(); err != nil {
		testenv.Missing(t, err.Error())
	}
	s, err := StartProcess(t.TempDir(), opts...)
	if err != nil {
		t.Fatalf("dovecottest: %v", err)
	}
	s.tb = t
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("dovecot log (%s):\n%s", s.LogPath(), testproc.Tail(s.Log(), 40))
		}
		if err := s.Stop(); err != nil {
			t.Errorf("dovecottest: %v", err)
		}
	})
	return s
}

// StartProcess starts Dovecot with its configuration, state, log and mail
// under dir (created if missing; it should be empty and is not removed). The
// caller must call Stop.
func StartProcess(dir string, opts ...Option) (*Server, error) {
	bin, err := Lookup()
	if err != nil {
		return nil, err
	}
	set := defaultSettings()
	for _, o := range opts {
		o(&set)
	}
	id, err := currentIdentity()
	if err != nil {
		return nil, err
	}
	if dir, err = filepath.Abs(dir); err != nil {
		return nil, err
	}
	s := &Server{
		User: set.user, Password: set.password,
		dir: dir, binary: bin, confPath: filepath.Join(dir, "dovecot.conf"),
		id: id, set: set, users: map[string]string{},
	}
	if err := s.prepare(); err != nil {
		return nil, err
	}
	if err := s.AddUser(set.user, set.password); err != nil {
		return nil, err
	}
	// A port found free may be taken before Dovecot binds it: try again
	// with new ports.
	for attempt := 0; ; attempt++ {
		if err := s.pickPorts(); err != nil {
			return nil, err
		}
		err = s.start()
		if err == nil {
			return s, nil
		}
		if attempt == 3 || !strings.Contains(s.Log(), "in use") {
			return nil, err
		}
	}
}

// prepare makes the folders and the certificate.
func (s *Server) prepare() error {
	if err := os.MkdirAll(s.dir, 0o700); err != nil {
		return err
	}
	if s.id.root {
		// Mail processes run as nobody and must reach the home folders.
		for _, d := range []string{s.dir, filepath.Dir(s.dir)} {
			if strings.HasPrefix(d, os.TempDir()+"/") || d == s.dir {
				if err := os.Chmod(d, 0o711); err != nil {
					return fmt.Errorf("make %s traversable: %w", d, err)
				}
			}
		}
	}
	for d, mode := range map[string]os.FileMode{"run": 0o711, "state": 0o711, "home": 0o711, "users": 0o700} {
		if err := os.MkdirAll(filepath.Join(s.dir, d), mode); err != nil {
			return err
		}
	}
	if s.set.introspectionURL != "" {
		if err := os.WriteFile(oauth2ConfPath(s.dir), []byte(oauth2ConfText(s.set.introspectionURL)), 0o644); err != nil {
			return err
		}
	}
	cert, err := newCertificate(s.dir)
	if err != nil {
		return fmt.Errorf("certificate: %w", err)
	}
	s.cert = cert
	return nil
}

// pickPorts chooses two free loopback ports and writes the configuration.
func (s *Server) pickPorts() error {
	var ports [2]int
	var ls []net.Listener
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return fmt.Errorf("find a free port: %w", err)
		}
		ls = append(ls, l)
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	s.port, s.tlsPort = ports[0], ports[1]
	conf := configText(s.dir, s.id, s.set, s.cert, s.port, s.tlsPort)
	return os.WriteFile(s.confPath, []byte(conf), 0o644)
}

// start runs the master process and waits until the cleartext port greets.
func (s *Server) start() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	cmd := exec.Command(s.binary, "-F", "-c", s.confPath)
	cmd.Dir = s.dir
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin"}
	// Its own process group, so Kill reaches every Dovecot process; killed
	// with the test binary if that dies first.
	p, err := testproc.Start(cmd, filepath.Join(s.dir, "dovecot.out"))
	if err != nil {
		return fmt.Errorf("start dovecot: %w", err)
	}
	if err := testproc.WaitGreeting(s.Addr(), "+OK", "QUIT", p.Done(), readyTimeout); err != nil {
		p.Kill()
		return fmt.Errorf("dovecot did not start: %w; log: %s", err, testproc.Tail(s.logLocked(), 5))
	}
	s.proc = p
	return nil
}

// Addr returns the cleartext (STLS) address, host:port on 127.0.0.1.
func (s *Server) Addr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.port)) }

// TLSAddr returns the implicit-TLS address, host:port on 127.0.0.1.
func (s *Server) TLSAddr() string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(s.tlsPort)) }

// CertPool returns a pool that trusts the server's certificate only.
func (s *Server) CertPool() *x509.CertPool { return s.cert.pool() }

// CAFile returns the path of the server's self-signed certificate (PEM), the
// CA file a client should trust.
func (s *Server) CAFile() string { return s.cert.certFile }

// KeyFile returns the path of the certificate's private key (PEM), for
// another test server (an MTA) that should present the same certificate.
func (s *Server) KeyFile() string { return s.cert.keyFile }

// CertSHA256 returns the SHA-256 digest of the certificate's DER encoding,
// for certificate pinning.
func (s *Server) CertSHA256() [32]byte { return s.cert.sha256() }

// TLSConfig returns a client configuration that trusts the server's
// certificate, with ServerName 127.0.0.1.
func (s *Server) TLSConfig() *tls.Config {
	return &tls.Config{RootCAs: s.CertPool(), ServerName: "127.0.0.1", MinVersion: tls.VersionTLS12}
}

// authSocketName is the auth listener WithAuthSocket adds, in base_dir.
const authSocketName = "auth-client-smtp"

// AuthSocket returns the path of the authentication socket WithAuthSocket
// opens ("" without that option).
func (s *Server) AuthSocket() string {
	if !s.set.authSocket {
		return ""
	}
	return filepath.Join(s.dir, "run", authSocketName)
}

// MailOwner returns the user and group IDs that own the Maildirs: another
// program delivering into them (an MTA) must write as this owner.
func (s *Server) MailOwner() (uid, gid int) {
	return s.id.mailUID, s.id.mailGID
}

// HomeBase returns the folder holding every user's home (HomeBase/USER,
// whose Maildir is HomeBase/USER/Maildir).
func (s *Server) HomeBase() string { return filepath.Join(s.dir, "home") }

// Dir returns the folder holding the configuration, log and mail.
func (s *Server) Dir() string { return s.dir }

// LogPath returns the path of Dovecot's log file.
func (s *Server) LogPath() string { return filepath.Join(s.dir, "dovecot.log") }

// Log returns Dovecot's log so far (and anything it printed before logging
// started).
func (s *Server) Log() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.logLocked()
}

func (s *Server) logLocked() string {
	out, _ := os.ReadFile(filepath.Join(s.dir, "dovecot.out"))
	log, _ := os.ReadFile(s.LogPath())
	return string(out) + string(log)
}

// Stop shuts Dovecot down (SIGTERM, then SIGKILL to every process of the
// instance if it lingers) and waits for it. Stopping a stopped server does
// nothing.
func (s *Server) Stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.proc
	if p == nil {
		return nil
	}
	s.proc = nil
	if err := p.Stop(stopTimeout); err != nil {
		return fmt.Errorf("dovecot: %w", err)
	}
	return nil
}

// Kill ends every Dovecot process at once with SIGKILL, as a crash or a
// power cut would (open sessions end without QUIT), and waits for the master.
func (s *Server) Kill() {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc != nil {
		s.proc.Kill()
		s.proc = nil
	}
}

// Restart stops the server (if running) and starts it again on the same
// ports with the same users and mail. Between Stop and Restart, clients get
// "connection refused", as with a server that is down.
func (s *Server) Restart() error {
	if err := s.Stop(); err != nil {
		return err
	}
	return s.start()
}

// Running reports whether the server was started and not stopped or killed.
func (s *Server) Running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.proc != nil
}

// Sessions returns how many POP3 sessions are logged in right now (Dovecot
// runs one pop3 process per session, from login to disconnection).
func (s *Server) Sessions() int {
	s.mu.Lock()
	p := s.proc
	s.mu.Unlock()
	if p == nil {
		return 0
	}
	return len(p.GroupProcs("pop3"))
}

// WaitIdle waits until no POP3 session is logged in, e.g. after a client
// dropped its connection, so that what the server did with the session (or
// did not do) is on disk. It returns an error after timeout.
func (s *Server) WaitIdle(timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	for n := s.Sessions(); n > 0; n = s.Sessions() {
		if time.Now().After(deadline) {
			return fmt.Errorf("%d POP3 sessions still open after %v", n, timeout)
		}
		time.Sleep(2 * time.Millisecond)
	}
	return nil
}

// Logouts returns Dovecot's own logout lines so far, oldest first: one per
// POP3 session that ended with QUIT, with the counts of pop3_logout_format
// (by default "top=N/bytes, retr=N/bytes, del=N/total, size=..."). Call
// WaitIdle first: Dovecot writes the line as the session's process ends.
func (s *Server) Logouts() []string {
	var out []string
	for _, l := range strings.Split(s.Log(), "\n") {
		if strings.Contains(l, "Logged out") {
			out = append(out, l)
		}
	}
	return out
}

// Package postfixtest starts a real Postfix as the submission server of
// tests: its own main.cf and master.cf, queue and data folders in a private
// folder (nothing in /etc/postfix or the system queue is touched), listening
// on free ports of 127.0.0.1 with STARTTLS (the submission port's style, RFC
// 6409 and RFC 3207), implicit TLS (RFC 8314) and a port without TLS,
// authenticating SMTP logins through a test Dovecot's auth service
// (smtpd_sasl_type = dovecot) and delivering into the Maildirs that Dovecot
// serves over POP3 (Postfix's virtual delivery agent). So a test sends with
// the submission client and reads the message back with the POP3 client.
//
// Postfix must run as root (its master changes to the postfix user); as
// another user, or without Postfix installed, Start calls testenv.Missing.
package postfixtest

import (
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/popterm/popterm/internal/dovecottest"
	"github.com/popterm/popterm/internal/testenv"
	"github.com/popterm/popterm/internal/testproc"
)

// Binary is where Debian installs the postfix command, and Master its
// master daemon.
const (
	Binary = "/usr/sbin/postfix"
	Master = "/usr/lib/postfix/sbin/master"
)

// Domain is the mail domain Postfix delivers for: user@Domain reaches the
// Dovecot user's Maildir.
const Domain = "example.org"

const (
	readyTimeout = 30 * time.Second
	stopTimeout  = 15 * time.Second
)

// Option changes how a Server is configured.
type Option func(*settings)

type settings struct {
	mainCF []string
}

// WithMainCF appends lines to main.cf (e.g. "message_size_limit = 20000").
func WithMainCF(lines ...string) Option {
	return func(s *settings) { s.mainCF = append(s.mainCF, lines...) }
}

// Server is a running Postfix.
type Server struct {
	// SubmissionPort offers STARTTLS and AUTH only after it; SMTPSPort is
	// implicit TLS; PlainPort offers neither STARTTLS nor TLS, but AUTH.
	SubmissionPort, SMTPSPort, PlainPort int

	dir   string
	dove  *dovecottest.Server
	set   settings
	mu    sync.Mutex
	boxes map[string]string // address -> dovecot user
	proc  *testproc.Proc
}

// Lookup returns the path of the postfix command, or an error saying how to
// install it.
func Lookup() (string, error) {
	if _, err := os.Stat(Binary); err != nil {
		return "", errors.New("postfix not installed (apt-get install postfix)")
	}
	if _, err := os.Stat(Master); err != nil {
		return "", errors.New("postfix's daemons are missing from /usr/lib/postfix/sbin (apt-get install postfix)")
	}
	return Binary, nil
}

// Start starts Postfix for the test, in front of dove (which must have been
// started with dovecottest.WithAuthSocket), and stops it when the test ends.
// The Dovecot user is reachable as user@Domain.
func Start(t testing.TB, dove *dovecottest.Server, opts ...Option) *Server {
	t.Helper()
	if _, err := Lookup(); err != nil {
		testenv.Missing(t, err.Error())
	}
	if os.Geteuid() != 0 {
		testenv.Missing(t, "postfix runs only as root (its master changes to the postfix user)")
	}
	if dove.AuthSocket() == "" {
		t.Fatal("postfixtest: start Dovecot with dovecottest.WithAuthSocket()")
	}
	s := &Server{dir: t.TempDir(), dove: dove, boxes: map[string]string{dove.User + "@" + Domain: dove.User}}
	for _, o := range opts {
		o(&s.set)
	}
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("postfix log:\n%s", testproc.Tail(s.Log(), 40))
		}
		if err := s.Stop(); err != nil {
			t.Errorf("postfixtest: %v", err)
		}
	})
	var err error
	for attempt := 0; attempt < 3; attempt++ {
		if err = s.start(); err == nil {
			return s
		}
		if !strings.Contains(s.Log(), "in use") {
			break
		}
	}
	t.Fatalf("postfixtest: %v", err)
	return nil
}

// Addr returns host:port of one of the ports.
func Addr(port int) string { return net.JoinHostPort("127.0.0.1", strconv.Itoa(port)) }

// Log returns Postfix's log so far.
func (s *Server) Log() string {
	b, _ := os.ReadFile(filepath.Join(s.dir, "postfix.log"))
	out, _ := os.ReadFile(filepath.Join(s.dir, "postfix.out"))
	return string(out) + string(b)
}

// AddMailbox makes Postfix deliver mail for address into the Maildir of the
// Dovecot user (which must exist), and reloads it.
func (s *Server) AddMailbox(address, user string) error {
	s.mu.Lock()
	s.boxes[strings.ToLower(address)] = user
	s.mu.Unlock()
	if err := s.writeMaps(); err != nil {
		return err
	}
	return s.reload()
}

// start writes the configuration and runs the master in the foreground.
func (s *Server) start() error {
	if err := s.pickPorts(); err != nil {
		return err
	}
	if err := s.prepare(); err != nil {
		return err
	}
	// `postfix check` creates the queue folders with the ownership the
	// master insists on (the postfix user). The master then runs in the
	// foreground (-d) as this process's child, in its own process group, so
	// Stop reaches every daemon and a dying test binary takes it along;
	// `postfix start` would detach it into a session of its own.
	if out, err := exec.Command(Binary, "-c", s.confDir(), "check").CombinedOutput(); err != nil {
		return fmt.Errorf("postfix check: %w: %s", err, out)
	}
	cmd := exec.Command(Master, "-c", s.confDir(), "-d")
	cmd.Env = []string{"PATH=/usr/sbin:/usr/bin:/sbin:/bin"}
	p, err := testproc.Start(cmd, filepath.Join(s.dir, "postfix.out"))
	if err != nil {
		return err
	}
	s.mu.Lock()
	s.proc = p
	s.mu.Unlock()
	if err := testproc.WaitGreeting(Addr(s.SubmissionPort), "220", "QUIT", p.Done(), readyTimeout); err != nil {
		s.mu.Lock()
		s.proc = nil
		s.mu.Unlock()
		p.Kill()
		return fmt.Errorf("postfix did not start: %w; log: %s", err, testproc.Tail(s.Log(), 8))
	}
	return nil
}

func (s *Server) confDir() string { return filepath.Join(s.dir, "etc") }

// pickPorts chooses three free loopback ports.
func (s *Server) pickPorts() error {
	var ports [3]int
	for i := range ports {
		l, err := net.Listen("tcp", "127.0.0.1:0")
		if err != nil {
			return fmt.Errorf("find a free port: %w", err)
		}
		defer l.Close()
		ports[i] = l.Addr().(*net.TCPAddr).Port
	}
	s.SubmissionPort, s.SMTPSPort, s.PlainPort = ports[0], ports[1], ports[2]
	return nil
}

// prepare makes the folders and writes main.cf, master.cf and the maps.
//
// The queue belongs to the postfix user (the master refuses to run
// otherwise): `postfix set-permissions`-style ownership is applied by
// `postfix check`, which start-fg runs first, so only the top folders are
// made here; the folders leading to them must be traversable.
func (s *Server) prepare() error {
	for _, d := range []string{s.dir, filepath.Dir(s.dir)} {
		if err := os.Chmod(d, 0o711); err != nil {
			return fmt.Errorf("make %s traversable: %w", d, err)
		}
	}
	for _, d := range []string{"etc", "queue", "data"} {
		if err := os.MkdirAll(filepath.Join(s.dir, d), 0o755); err != nil {
			return err
		}
	}
	if err := os.Chown(filepath.Join(s.dir, "data"), postfixUID(), -1); err != nil {
		return fmt.Errorf("data_directory: %w", err)
	}
	if err := os.WriteFile(filepath.Join(s.confDir(), "main.cf"), []byte(s.mainCF()), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(s.confDir(), "master.cf"), []byte(s.masterCF()), 0o644); err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(s.confDir(), "access"), nil, 0o644); err != nil {
		return err
	}
	return s.writeMaps()
}

// postfixUID is the postfix user's ID (-1 when unknown: chown leaves it).
func postfixUID() int {
	out, err := exec.Command("id", "-u", "postfix").Output()
	if err != nil {
		return -1
	}
	uid, err := strconv.Atoi(strings.TrimSpace(string(out)))
	if err != nil {
		return -1
	}
	return uid
}

// writeMaps writes the virtual mailbox table (texthash: needs no postmap).
func (s *Server) writeMaps() error {
	s.mu.Lock()
	var lines []string
	for addr, user := range s.boxes {
		lines = append(lines, addr+" "+user+"/Maildir/")
	}
	s.mu.Unlock()
	sort.Strings(lines)
	return os.WriteFile(filepath.Join(s.confDir(), "vmailbox"), []byte(strings.Join(lines, "\n")+"\n"), 0o644)
}

func (s *Server) mainCF() string {
	uid, gid := s.dove.MailOwner()
	var b strings.Builder
	fmt.Fprintf(&b, `# Generated by popterm's internal/postfixtest for one test.
compatibility_level = 3.6
queue_directory = %[1]s/queue
data_directory = %[1]s/data
mail_owner = postfix
setgid_group = postdrop
maillog_file = %[1]s/postfix.log
maillog_file_prefixes = %[1]s
inet_interfaces = 127.0.0.1
inet_protocols = ipv4
myhostname = mail.%[2]s
mydomain = %[2]s
mydestination =
mynetworks = 127.0.0.0/8
local_recipient_maps =
alias_maps =
alias_database =
smtputf8_enable = yes
biff = no
# Test speed: no DNS, no delays.
disable_dns_lookups = yes
smtp_dns_support_level = disabled
smtpd_error_sleep_time = 0
smtpd_soft_error_limit = 100
smtpd_hard_error_limit = 100
in_flow_delay = 0
queue_run_delay = 1s
minimal_backoff_time = 1s

virtual_mailbox_domains = %[2]s
virtual_mailbox_base = %[3]s
virtual_mailbox_maps = texthash:%[4]s/vmailbox
virtual_uid_maps = static:%[5]d
virtual_gid_maps = static:%[6]d
virtual_minimum_uid = 1

smtpd_tls_cert_file = %[7]s
smtpd_tls_key_file = %[8]s
smtpd_tls_security_level = may
smtpd_tls_auth_only = yes
smtpd_sasl_type = dovecot
smtpd_sasl_path = %[9]s
smtpd_sasl_auth_enable = yes
smtpd_relay_restrictions = permit_sasl_authenticated, reject_unauth_destination
smtpd_recipient_restrictions = check_recipient_access texthash:%[4]s/access
`, s.dir, Domain, s.dove.HomeBase(), s.confDir(), uid, gid, s.dove.CAFile(), s.dove.KeyFile(), s.dove.AuthSocket())
	for _, l := range s.set.mainCF {
		b.WriteString(l + "\n")
	}
	return b.String()
}

func (s *Server) masterCF() string {
	return fmt.Sprintf(`# service type private unpriv chroot wakeup maxproc command
127.0.0.1:%d inet n - n - - smtpd -o smtpd_tls_security_level=encrypt
127.0.0.1:%d inet n - n - - smtpd -o smtpd_tls_wrappermode=yes
127.0.0.1:%d inet n - n - - smtpd -o smtpd_tls_security_level=none -o smtpd_tls_auth_only=no
pickup    unix  n       -       n       60      1       pickup
cleanup   unix  n       -       n       -       0       cleanup
qmgr      unix  n       -       n       300     1       qmgr
tlsmgr    unix  -       -       n       1000?   1       tlsmgr
rewrite   unix  -       -       n       -       -       trivial-rewrite
bounce    unix  -       -       n       -       0       bounce
defer     unix  -       -       n       -       0       bounce
trace     unix  -       -       n       -       0       bounce
verify    unix  -       -       n       -       1       verify
flush     unix  n       -       n       1000?   0       flush
proxymap  unix  -       -       n       -       -       proxymap
smtp      unix  -       -       n       -       -       smtp
relay     unix  -       -       n       -       -       smtp
showq     unix  n       -       n       -       -       showq
error     unix  -       -       n       -       -       error
retry     unix  -       -       n       -       -       error
discard   unix  -       -       n       -       -       discard
local     unix  -       n       n       -       -       local
virtual   unix  -       n       n       -       -       virtual
anvil     unix  -       -       n       -       1       anvil
scache    unix  -       -       n       -       1       scache
postlog   unix-dgram n  -       n       -       1       postlogd
`, s.SubmissionPort, s.SMTPSPort, s.PlainPort)
}

// SetRecipientAccess replaces the recipient access table (lines such as
// "busy@example.org 450 4.2.1 try again later") and reloads Postfix.
func (s *Server) SetRecipientAccess(lines ...string) error {
	text := strings.Join(lines, "\n") + "\n"
	if err := os.WriteFile(filepath.Join(s.confDir(), "access"), []byte(text), 0o644); err != nil {
		return err
	}
	return s.reload()
}

// reload makes the master reread its configuration (SIGHUP, as `postfix
// reload` does) and waits for the submission port to greet again.
func (s *Server) reload() error {
	s.mu.Lock()
	p := s.proc
	s.mu.Unlock()
	if p == nil {
		return errors.New("postfix is not running")
	}
	if err := p.Signal(syscall.SIGHUP); err != nil {
		return fmt.Errorf("reload postfix: %w", err)
	}
	// The master restarts its daemons lazily; a new smtpd reads the new maps.
	time.Sleep(200 * time.Millisecond)
	return testproc.WaitGreeting(Addr(s.SubmissionPort), "220", "QUIT", p.Done(), readyTimeout)
}

// Stop stops Postfix (SIGTERM, then SIGKILL to any daemon left) and waits
// for it. Stopping a stopped server does nothing.
func (s *Server) Stop() error {
	s.mu.Lock()
	p := s.proc
	s.proc = nil
	s.mu.Unlock()
	if p == nil {
		return nil
	}
	if err := p.Stop(stopTimeout); err != nil {
		return fmt.Errorf("postfix: %w", err)
	}
	return nil
}

package main

import (
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/hex"
	"errors"
	"fmt"
	"net"
	"os"
	"os/signal"
	"path/filepath"
	"runtime"
	"strconv"
	"syscall"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/mailbox"
	"github.com/popterm/popterm/pop3/pop3test"
)

// The demo account: its name and login at the built-in server.
const (
	demoAccount = "demo"
	demoUser    = "demo"
)

// demoCommands are the headless commands `popterm --demo COMMAND` can run.
var demoCommands = map[string]bool{"sync": true, "list": true, "show": true}

// runDemo runs `popterm --demo [sync | list | show ID]`: a POP3 server on
// a free loopback port serving the built-in sample mailbox over implicit TLS,
// with a certificate made and pinned for this run, and a temporary config and
// store. The password lives in memory only; the OS keyring is never touched.
// Without a command it opens the reader (or, when stdout is not a terminal,
// prints the listing).
func runDemo(ctx context.Context, e *env, args []string) int {
	// Closing the terminal must clean up too, not only Ctrl-C.
	ctx, stop := signal.NotifyContext(ctx, syscall.SIGHUP)
	defer stop()
	removeStaleDemos()
	d, err := startDemo()
	if err != nil {
		return fail(e, exitFailure, "demo: %v", err)
	}
	defer d.close()

	de := *e
	de.configPath, de.account, de.keyring = d.cfg.Path, demoAccount, d.keyring
	if len(args) == 0 && isTerminal(e.stdout) {
		creds := mailbox.Credentials{Password: func(context.Context) (string, error) { return d.password, nil }}
		return startReader(ctx, &de, d.cfg, demoAccount, creds)
	}
	if len(args) == 0 || args[0] == "--list" || args[0] == "-list" {
		args = []string{"list"}
	}
	if !demoCommands[args[0]] {
		return fail(e, exitUsage, "demo: %q is not available in the demo: use popterm --demo [sync | list | show ID]", args[0])
	}
	if args[0] != "sync" {
		// A fresh store: fetch the mailbox first, reporting on stderr.
		quiet := de
		quiet.stdout = e.stderr
		if code := cmdSync(ctx, &quiet, nil); code != exitOK {
			return code
		}
	}
	return commands()[args[0]].run(ctx, &de, args[1:])
}

// demo is a running demo: the server, and the temporary config and store.
type demo struct {
	srv      *pop3test.Server
	dir      string
	cfg      *config.Config
	keyring  config.Store
	password string
}

// startDemo starts the server and writes the demo's config in a temporary
// folder (mode 0700).
func startDemo() (d *demo, err error) {
	cert, pin, err := pop3test.SelfSignedCert("127.0.0.1")
	if err != nil {
		return nil, err
	}
	secret := make([]byte, 12)
	rand.Read(secret)
	d = &demo{password: hex.EncodeToString(secret), keyring: config.NewMemStore()}
	if d.dir, err = os.MkdirTemp("", demoDirPrefix); err != nil {
		return nil, fmt.Errorf("make a temporary folder: %w", err)
	}
	defer func() {
		if err != nil {
			d.close()
		}
	}()
	pid := []byte(strconv.Itoa(os.Getpid()))
	if err = os.WriteFile(filepath.Join(d.dir, demoPIDFile), pid, 0o600); err != nil {
		return d, fmt.Errorf("write the demo's pid file: %w", err)
	}
	d.srv, err = pop3test.Start(pop3test.Config{
		Users:    map[string]string{demoUser: d.password},
		Maildrop: pop3test.NewMaildrop(pop3test.SampleMessages()...),
		TLS:      &tls.Config{Certificates: []tls.Certificate{cert}, MinVersion: tls.VersionTLS12},
		Implicit: true,
		UTF8:     true,
		NoLock:   true, // the reader may open a second session for a body
	})
	if err != nil {
		return d, fmt.Errorf("start the demo server: %w", err)
	}
	host, portStr, _ := net.SplitHostPort(d.srv.Addr())
	port, _ := strconv.Atoi(portStr)

	acct := config.NewAccount(demoAccount)
	acct.Host, acct.Port, acct.TLS = host, port, config.TLSImplicit
	acct.Username, acct.TLSCertSHA256 = demoUser, pin
	acct.StoreDir = filepath.Join(d.dir, "store")
	d.cfg = config.New(filepath.Join(d.dir, "config.toml"))
	if err = d.cfg.AddAccount(acct); err != nil {
		return d, fmt.Errorf("demo account: %w", err)
	}
	if err = d.cfg.Save(); err != nil {
		return d, err
	}
	if err = d.keyring.Set(acct.PasswordKey(), d.password); err != nil {
		return d, err
	}
	return d, nil
}

// demoDirPrefix names the demo's temporary folders; demoPIDFile in each
// holds the process id of the demo that made it.
const (
	demoDirPrefix = "popterm-demo-"
	demoPIDFile   = "pid"
)

// removeStaleDemos removes the temporary folders of demos that were killed
// before they could clean up: folders named like the demo's, holding a pid
// file whose process is gone.
func removeStaleDemos() {
	dirs, _ := filepath.Glob(filepath.Join(os.TempDir(), demoDirPrefix+"*"))
	for _, dir := range dirs {
		b, err := os.ReadFile(filepath.Join(dir, demoPIDFile))
		if err != nil {
			continue // not ours, or not readable: leave it
		}
		pid, err := strconv.Atoi(string(b))
		if err != nil || pid <= 0 || pid == os.Getpid() || processAlive(pid) {
			continue
		}
		os.RemoveAll(dir)
	}
}

// processAlive reports whether a process with this id exists.
func processAlive(pid int) bool {
	p, err := os.FindProcess(pid)
	if err != nil {
		return false // Windows: no such process
	}
	if runtime.GOOS == "windows" {
		p.Release()
		return true
	}
	err = p.Signal(syscall.Signal(0))
	return err == nil || errors.Is(err, syscall.EPERM)
}

// close stops the server and removes the temporary config and store.
func (d *demo) close() {
	if d.srv != nil {
		d.srv.Close()
	}
	if d.dir != "" {
		os.RemoveAll(d.dir)
	}
}

// Command syncbench measures popterm's sync engine: the first sync of a large
// maildrop, headers only (pipelined TOP, indexing in batches), and a sync
// with no new mail (which sends only CAPA, authentication, UIDL and QUIT),
// optionally through a delaying proxy that adds round-trip time. It prints
// the figures; scripts/bench-sync.sh runs it.
package main

import (
	"context"
	"flag"
	"fmt"
	"os"
	"os/signal"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"syscall"
	"time"

	"github.com/popterm/popterm/cache"
	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/internal/bench/benchmail"
	"github.com/popterm/popterm/mailbox"
	"github.com/popterm/popterm/pop3/pop3test"
)

// options are the command line's choices.
type options struct {
	n        int
	rtt      time.Duration
	server   string
	prefetch config.Prefetch
	// realistic serves benchmail.Message (about 20 KB each) from Dovecot
	// instead of short messages.
	realistic bool
	// headsOnly limits -compare to the headers-only first sync and its
	// TOP reference.
	headsOnly bool
}

func main() {
	n := flag.Int("n", 10000, "messages in the maildrop")
	rtt := flag.Duration("rtt", 20*time.Millisecond, "round-trip time added by the proxy (0: none)")
	server := flag.String("server", "pop3test", "pop3test or dovecot")
	bodies := flag.Bool("bodies", false, "prefetch every body in the first sync (prefetch = \"all\") instead of headers only")
	realistic := flag.Bool("realistic", false, "serve realistic messages of about 20 KB (benchmail.Message) from Dovecot instead of short ones")
	heads := flag.Bool("heads", false, "with -compare: only the headers-only first sync against the pipelined TOP reference")
	comp := flag.Bool("compare", false, "compare popterm's first syncs (all bodies, headers only) with mpop and pipelined RETR and TOP references on a realistic Dovecot maildrop")
	noopBin := flag.String("noop", "", "with the popterm binary at this path: fill a store (headers only), then time `popterm sync` with no new mail and `popterm check`, with their peak memory")
	serve := flag.Bool("serve", false, "only start the server (and proxy), write a popterm config for it and wait for Ctrl-C (to try `popterm --config FILE sync` by hand)")
	cpuProfile := flag.String("cpuprofile", "", "write a CPU profile of the whole run to this file")
	flag.Parse()
	if *cpuProfile != "" {
		f, err := os.Create(*cpuProfile)
		if err != nil {
			fmt.Fprintln(os.Stderr, "syncbench:", err)
			os.Exit(1)
		}
		pprof.StartCPUProfile(f)
		defer pprof.StopCPUProfile()
	}
	o := options{n: *n, rtt: *rtt, server: *server, prefetch: config.Prefetch{Mode: config.PrefetchNone}, realistic: *realistic, headsOnly: *heads}
	if *bodies {
		o.prefetch = config.Prefetch{Mode: config.PrefetchAll}
	}
	run := bench
	switch {
	case *serve:
		run = serveOnly
	case *comp:
		run = compare
	case *noopBin != "":
		run = func(o options) error { return noop(o, *noopBin) }
	}
	if err := run(o); err != nil {
		pprof.StopCPUProfile()
		fmt.Fprintln(os.Stderr, "syncbench:", err)
		os.Exit(1)
	}
}

// benchMail makes message i: a realistic header block and a short body.
func benchMail(i int) []byte {
	return fmt.Appendf(nil, "Return-Path: <sender%d@example.org>\n"+
		"Received: from mx.example.org (mx.example.org [192.0.2.1])\n\tby pop.example.net with ESMTPS id %08x\n\tfor <user@example.net>; Mon, 02 Jan 2026 15:04:05 +0000\n"+
		"From: Sender %d <sender%d@example.org>\nTo: User <user@example.net>\n"+
		"Subject: Benchmark message number %d about something\n"+
		"Date: Mon, 02 Jan 2026 15:%02d:%02d +0000\nMessage-ID: <bench-%d@example.org>\n"+
		"MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n"+
		"Hello,\n\nthis is message %d of the benchmark.\n\n-- \nSender\n",
		i, i, i, i, i, (i/60)%60, i%60, i, i)
}

// target is a running server to sync from.
type target struct {
	addr     string
	user     string
	password string
	caFile   string          // the server's certificate, for STARTTLS ("" without TLS)
	commands func() []string // nil when the server does not log commands
	reset    func()
	stop     func()
}

// startPOP3Test serves n messages from pop3test.
func startPOP3Test(n int) (*target, error) {
	md := pop3test.NewMaildrop()
	for i := 1; i <= n; i++ {
		md.Add(pop3test.Message{UID: fmt.Sprintf("bench-%d", i), Data: benchMail(i)})
	}
	srv, err := pop3test.Start(pop3test.Config{Maildrop: md})
	if err != nil {
		return nil, err
	}
	return &target{addr: srv.Addr(), user: pop3test.DefaultUser, password: pop3test.DefaultPassword,
		commands: srv.Commands, reset: srv.ResetLog, stop: srv.Close}, nil
}

// serveOnly starts the server and proxy, writes a popterm config for them
// and waits for an interrupt.
func serveOnly(o options) error {
	n, rtt, server := o.n, o.rtt, o.server
	tg, addr, stop, err := startTarget(n, rtt, server, o.realistic)
	if err != nil {
		return err
	}
	defer stop()
	dir, err := os.MkdirTemp("", "syncbench-serve-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cfgPath, _, err := writeConfig(dir, addr, tg, "")
	if err != nil {
		return err
	}
	fmt.Printf("serving %d messages from %s at %s (RTT %v)\nconfig: %s\nCtrl-C to stop\n", n, server, addr, rtt, cfgPath)
	ctx, cancel := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer cancel()
	<-ctx.Done()
	return nil
}

// writeConfig writes a popterm config for the account on tg at addr
// (plaintext, password through password_cmd) with its store in dir, extra
// lines appended to the account, and returns its path and the store's.
func writeConfig(dir, addr string, tg *target, extra string) (cfgPath, storeDir string, err error) {
	host, port := splitAddr(addr)
	pw := filepath.Join(dir, "password")
	if err := os.WriteFile(pw, []byte(tg.password+"\n"), 0o600); err != nil {
		return "", "", err
	}
	storeDir = filepath.Join(dir, "store")
	cfgPath = filepath.Join(dir, "config.toml")
	doc := fmt.Sprintf("default_account = \"bench\"\n\n[[account]]\nname = \"bench\"\nhost = %q\nport = %d\n"+
		"tls = \"none\"\nusername = %q\nauth = \"user\"\nallow_cleartext_auth = true\npassword_cmd = \"cat %s\"\n"+
		"store_dir = %q\n%s", host, port, tg.user, pw, storeDir, extra)
	return cfgPath, storeDir, os.WriteFile(cfgPath, []byte(doc), 0o600)
}

// startTarget starts the server and, when rtt > 0, the proxy in front of
// it; addr is where clients connect.
func startTarget(n int, rtt time.Duration, server string, realistic bool) (tg *target, addr string, stop func(), err error) {
	switch server {
	case "pop3test":
		tg, err = startPOP3Test(n)
	case "dovecot":
		gen := func(i int) []byte { return benchMail(i + 1) }
		if realistic {
			gen = func(i int) []byte { return benchmail.Message(1, i) }
		}
		tg, err = startDovecot(n, gen)
	default:
		err = fmt.Errorf("unknown -server %q (pop3test or dovecot)", server)
	}
	if err != nil {
		return nil, "", nil, err
	}
	if rtt <= 0 {
		return tg, tg.addr, tg.stop, nil
	}
	proxyAddr, stopProxy, err := startProxy(tg.addr, rtt)
	if err != nil {
		tg.stop()
		return nil, "", nil, err
	}
	return tg, proxyAddr, func() { stopProxy(); tg.stop() }, nil
}

// bench measures a first sync and a sync with no new mail.
func bench(o options) error {
	n, rtt, server, prefetch := o.n, o.rtt, o.server, o.prefetch
	tg, addr, stop, err := startTarget(n, rtt, server, o.realistic)
	if err != nil {
		return err
	}
	defer stop()
	dir, err := os.MkdirTemp("", "syncbench-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	acct := config.NewAccount("bench")
	acct.TLS = config.TLSNone
	acct.Host, acct.Port = splitAddr(addr)
	acct.Username = tg.user
	acct.Auth = "user"
	acct.AllowCleartextAuth = true
	acct.Prefetch = prefetch
	acct.StoreDir = filepath.Join(dir, "store")
	st, err := cache.Open(acct.StoreDir, cache.Options{})
	if err != nil {
		return err
	}
	defer st.Close()
	pw := tg.password
	eng := mailbox.New(&acct, st, mailbox.Credentials{Password: func(context.Context) (string, error) { return pw, nil }})
	defer eng.Close()

	fmt.Printf("server %s, %d messages, RTT %v\n", server, n, rtt)
	ctx := context.Background()
	start := time.Now()
	phases := &phaseTimer{start: start}
	res, err := eng.Sync(ctx, mailbox.SyncOptions{Progress: phases.event})
	if err != nil {
		return fmt.Errorf("first sync: %w", err)
	}
	first := time.Since(start)
	fmt.Printf("  phases: %s\n", phases)
	stats, _ := st.Stats(ctx)
	fmt.Printf("first sync, prefetch %s: %.2f s (%d new, %d indexed, %d bodies, %.0f messages/s)\n",
		prefetch, first.Seconds(), res.New, stats.Total, res.Downloaded, float64(res.New)/first.Seconds())
	if tg.reset != nil {
		tg.reset()
	}
	start = time.Now()
	res, err = eng.Sync(ctx, mailbox.SyncOptions{Commit: true})
	if err != nil {
		return fmt.Errorf("second sync: %w", err)
	}
	fmt.Printf("sync with no new mail: %.3f s (%d new)", time.Since(start).Seconds(), res.New)
	if tg.commands != nil {
		fmt.Printf(", commands: %s", verbs(tg.commands()))
	}
	fmt.Println()
	return nil
}

// verbs summarises a command log, e.g. "CAPA x2, USER, PASS, UIDL, QUIT".
func verbs(cmds []string) string {
	count := map[string]int{}
	var order []string
	for _, c := range cmds {
		if count[c] == 0 {
			order = append(order, c)
		}
		count[c]++
	}
	parts := make([]string, len(order))
	for i, v := range order {
		parts[i] = v
		if count[v] > 1 {
			parts[i] += fmt.Sprintf(" x%d", count[v])
		}
	}
	return strings.Join(parts, ", ")
}

// phaseTimer records when each sync phase began.
type phaseTimer struct {
	start  time.Time
	phases []mailbox.Phase
	at     []time.Duration
}

func (p *phaseTimer) event(ev mailbox.Progress) {
	if len(p.phases) == 0 || p.phases[len(p.phases)-1] != ev.Phase {
		p.phases = append(p.phases, ev.Phase)
		p.at = append(p.at, time.Since(p.start))
	}
}

// String lists each phase with the time it took.
func (p *phaseTimer) String() string {
	parts := make([]string, len(p.phases))
	for i, ph := range p.phases {
		end := time.Since(p.start)
		if i+1 < len(p.at) {
			end = p.at[i+1]
		}
		parts[i] = fmt.Sprintf("%s %.2fs", ph, (end - p.at[i]).Seconds())
	}
	return strings.Join(parts, ", ")
}

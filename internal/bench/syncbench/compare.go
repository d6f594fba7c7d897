package main

import (
	"context"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"time"

	"github.com/popterm/popterm/cache"
	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/internal/bench/benchmail"
	"github.com/popterm/popterm/mailbox"
	"github.com/popterm/popterm/pop3"
)

// compare measures, in one run against one Dovecot maildrop of realistic
// messages (benchmail.Message) behind the latency proxy: popterm's full
// first sync (every body stored, over STARTTLS) against mpop's download of
// the same maildrop into a Maildir (plaintext) and a pipelined RETR of every
// message that stores nothing; the store's size over the mail's; and the
// headers-only first sync against a pipelined TOP of every message.
func compare(o options) error {
	var mailBytes int64
	gen := func(i int) []byte {
		m := benchmail.Message(1, i)
		mailBytes += int64(len(m))
		return m
	}
	tg, err := startDovecot(o.n, gen)
	if err != nil {
		return err
	}
	defer tg.stop()
	addr := tg.addr
	if o.rtt > 0 {
		proxyAddr, stopProxy, err := startProxy(tg.addr, o.rtt)
		if err != nil {
			return err
		}
		defer stopProxy()
		addr = proxyAddr
	}
	dir, err := os.MkdirTemp("", "syncbench-compare-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	fmt.Printf("Dovecot, %d messages, %.1f MB of mail, RTT %v, %d CPUs\n", o.n, mb(mailBytes), o.rtt, runtime.NumCPU())

	if o.headsOnly {
		return compareHeads(addr, tg, dir)
	}
	retrRef, err := reference(addr, tg, false)
	if err != nil {
		return fmt.Errorf("RETR reference: %w", err)
	}
	mpop, err := runMpop(addr, tg, filepath.Join(dir, "mpop"))
	if err != nil {
		fmt.Printf("mpop: %v\n", err)
	}
	full, storeBytes, err := poptermSync(addr, tg, filepath.Join(dir, "full"), config.Prefetch{Mode: config.PrefetchAll})
	if err != nil {
		return fmt.Errorf("popterm full sync: %w", err)
	}
	topRef, heads, err := headsAndReference(addr, tg, filepath.Join(dir, "heads"))
	if err != nil {
		return err
	}

	fmt.Printf("  %-58s %8s\n", "what", "time")
	fmt.Printf("  %-58s %7.2fs\n", "pipelined RETR of every message, nothing stored (plaintext)", retrRef.Seconds())
	if mpop > 0 {
		fmt.Printf("  %-58s %7.2fs\n", "mpop, every message into a Maildir (plaintext)", mpop.Seconds())
	}
	fmt.Printf("  %-58s %7.2fs", "popterm first sync, prefetch all (STARTTLS)", full.Seconds())
	if mpop > 0 {
		fmt.Printf("   %.2fx mpop", full.Seconds()/mpop.Seconds())
	}
	fmt.Printf("   %.2fx RETR reference\n", full.Seconds()/retrRef.Seconds())
	fmt.Printf("  %-58s %7.1f MB   %.2fx the mail (%.1f MB)\n", "popterm store after it (Maildir + index)", mb(storeBytes), float64(storeBytes)/float64(mailBytes), mb(mailBytes))
	printHeads(topRef, heads)
	return nil
}

// headsAndReference times the pipelined TOP reference, then popterm's
// headers-only first sync into a new store under dir.
func headsAndReference(addr string, tg *target, dir string) (topRef, heads time.Duration, err error) {
	if topRef, err = reference(addr, tg, true); err != nil {
		return 0, 0, fmt.Errorf("TOP reference: %w", err)
	}
	if heads, _, err = poptermSync(addr, tg, dir, config.Prefetch{Mode: config.PrefetchNone}); err != nil {
		return 0, 0, fmt.Errorf("popterm headers-only sync: %w", err)
	}
	return topRef, heads, nil
}

// printHeads prints the headers-only figures.
func printHeads(topRef, heads time.Duration) {
	fmt.Printf("  %-58s %7.2fs\n", "pipelined TOP n 0 of every message (plaintext)", topRef.Seconds())
	fmt.Printf("  %-58s %7.2fs   %.2fx TOP reference\n", "popterm first sync, headers only (STARTTLS)", heads.Seconds(), heads.Seconds()/topRef.Seconds())
}

// compareHeads runs only the headers-only comparison, three times (the
// ratio of one run is noisy on a shared machine).
func compareHeads(addr string, tg *target, dir string) error {
	for i := range 3 {
		topRef, heads, err := headsAndReference(addr, tg, filepath.Join(dir, fmt.Sprintf("heads%d", i)))
		if err != nil {
			return err
		}
		printHeads(topRef, heads)
	}
	return nil
}

// reference times a plaintext session that lists the maildrop and fetches
// every message with pipelined RETR (or TOP n 0 when top), storing nothing.
func reference(addr string, tg *target, top bool) (time.Duration, error) {
	ctx := context.Background()
	start := time.Now()
	c, err := pop3.Dial(ctx, addr, &pop3.Options{CommandTimeout: 5 * time.Minute})
	if err != nil {
		return 0, err
	}
	defer c.Close()
	if _, err := c.Login(ctx, pop3.Credentials{Username: tg.user, Password: tg.password, Mechanism: "user", AllowCleartext: true}); err != nil {
		return 0, err
	}
	uidls, err := c.UIDL(ctx)
	if err != nil {
		return 0, err
	}
	nums := make([]int, len(uidls))
	for i, u := range uidls {
		nums[i] = u.Number
	}
	discard := func(n int, body io.Reader, rerr error) error {
		if rerr != nil {
			return rerr
		}
		_, err := io.Copy(io.Discard, body)
		return err
	}
	if top {
		err = c.TopMany(ctx, nums, 0, discard)
	} else {
		err = c.RetrMany(ctx, nums, discard)
	}
	if err != nil {
		return 0, err
	}
	if err := c.Quit(ctx); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

// runMpop times mpop downloading the maildrop into a Maildir, with a
// private configuration (plaintext, keep the mail on the server).
func runMpop(addr string, tg *target, dir string) (time.Duration, error) {
	bin, err := exec.LookPath("mpop")
	if err != nil {
		return 0, fmt.Errorf("not installed (apt-get install mpop): skipped")
	}
	md := filepath.Join(dir, "Maildir")
	for _, sub := range []string{"tmp", "new", "cur"} {
		if err := os.MkdirAll(filepath.Join(md, sub), 0o700); err != nil {
			return 0, err
		}
	}
	host, port := splitAddr(addr)
	rc := filepath.Join(dir, "mpoprc")
	doc := fmt.Sprintf("defaults\ntls off\nauth user\nkeep on\n\naccount bench\nhost %s\nport %d\nuser %s\npassword %s\n"+
		"delivery maildir %s\nuidls_file %s\n", host, port, tg.user, tg.password, md, filepath.Join(dir, "uidls"))
	if err := os.WriteFile(rc, []byte(doc), 0o600); err != nil {
		return 0, err
	}
	start := time.Now()
	out, err := exec.Command(bin, "-C", rc, "--half-quiet", "bench").CombinedOutput()
	took := time.Since(start)
	if err != nil {
		return 0, fmt.Errorf("%v: %s", err, out)
	}
	if n := countFiles(filepath.Join(md, "new")) + countFiles(filepath.Join(md, "cur")); n == 0 {
		return 0, fmt.Errorf("mpop stored nothing: %s", out)
	}
	return took, nil
}

// poptermSync times popterm's first sync into a new store over STARTTLS and
// returns the store's size once it is closed.
func poptermSync(addr string, tg *target, dir string, prefetch config.Prefetch) (time.Duration, int64, error) {
	acct := config.NewAccount("bench")
	acct.TLS = config.TLSStartTLS
	acct.CAFile = tg.caFile
	acct.Host, acct.Port = splitAddr(addr)
	acct.Username = tg.user
	acct.Prefetch = prefetch
	acct.StoreDir = filepath.Join(dir, "store")
	st, err := cache.Open(acct.StoreDir, cache.Options{})
	if err != nil {
		return 0, 0, err
	}
	pw := tg.password
	eng := mailbox.New(&acct, st, mailbox.Credentials{Password: func(context.Context) (string, error) { return pw, nil }})
	start := time.Now()
	phases := &phaseTimer{start: start}
	res, err := eng.Sync(context.Background(), mailbox.SyncOptions{Progress: phases.event})
	took := time.Since(start)
	fmt.Printf("  (popterm, prefetch %s: %s)\n", prefetch, phases)
	eng.Close()
	st.Close()
	if err != nil {
		return 0, 0, err
	}
	if res.TLS == "" {
		return 0, 0, fmt.Errorf("the session was not encrypted")
	}
	return took, treeSize(acct.StoreDir), nil
}

// treeSize adds up the sizes of the files under dir.
func treeSize(dir string) int64 {
	var n int64
	filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			if info, err := d.Info(); err == nil {
				n += info.Size()
			}
		}
		return nil
	})
	return n
}

func countFiles(dir string) int {
	es, _ := os.ReadDir(dir)
	return len(es)
}

func mb(n int64) float64 { return float64(n) / 1e6 }

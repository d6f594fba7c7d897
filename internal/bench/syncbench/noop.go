package main

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"time"

	"github.com/popterm/popterm/cache"
	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/mailbox"
	"github.com/popterm/popterm/pop3"
)

// noop fills a store with a headers-only first sync of the maildrop, then
// times the real binary's `popterm sync` with no new mail and `popterm
// check`, and prints each one's wall time and peak resident memory.
func noop(o options, popterm string) error {
	tg, addr, stop, err := startTarget(o.n, o.rtt, o.server, o.realistic)
	if err != nil {
		return err
	}
	defer stop()
	dir, err := os.MkdirTemp("", "syncbench-noop-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(dir)
	cfgPath, storeDir, err := writeConfig(dir, addr, tg, "prefetch = \"none\"\n")
	if err != nil {
		return err
	}
	host, port := splitAddr(addr)
	acct := config.NewAccount("bench")
	acct.TLS = config.TLSNone
	acct.Host, acct.Port = host, port
	acct.Username = tg.user
	acct.Auth = "user"
	acct.AllowCleartextAuth = true
	acct.Prefetch = config.Prefetch{Mode: config.PrefetchNone}
	st, err := cache.Open(storeDir, cache.Options{})
	if err != nil {
		return err
	}
	eng := mailbox.New(&acct, st, mailbox.Credentials{Password: func(context.Context) (string, error) { return tg.password, nil }})
	start := time.Now()
	_, err = eng.Sync(context.Background(), mailbox.SyncOptions{})
	eng.Close()
	st.Close()
	if err != nil {
		return fmt.Errorf("first sync: %w", err)
	}
	fmt.Printf("server %s, %d messages, RTT %v: headers-only first sync %.2f s (not the figure)\n", o.server, o.n, o.rtt, time.Since(start).Seconds())
	if took, err := uidlReference(addr, tg); err == nil {
		fmt.Printf("  reference: log in, UIDL, QUIT  %6.3f s\n", took.Seconds())
	}
	for _, args := range [][]string{{"list", "--limit", "1"}, {"check"}, {"check"}, {"check", "--full"}, {"sync"}, {"sync"}, {"sync"}} {
		took, rss, out, err := runPopterm(popterm, cfgPath, args...)
		if err != nil {
			return fmt.Errorf("popterm %v: %v: %s", args, err, out)
		}
		fmt.Printf("  popterm %-14s %6.3f s  %4d MB peak RSS\n", fmt.Sprint(args), took.Seconds(), rss>>20)
	}
	return nil
}

// runPopterm runs the binary with the config under /usr/bin/time and
// returns its wall time and peak resident memory in bytes. (The rusage of a
// child started from this large process would count this one's memory.)
func runPopterm(bin, cfg string, args ...string) (time.Duration, int64, []byte, error) {
	f, err := os.CreateTemp("", "syncbench-rss-")
	if err != nil {
		return 0, 0, nil, err
	}
	f.Close()
	defer os.Remove(f.Name())
	cmd := exec.Command("/usr/bin/time", append([]string{"-f", "%M", "-o", f.Name(), bin, "--config", cfg}, args...)...)
	start := time.Now()
	out, err := cmd.CombinedOutput()
	took := time.Since(start)
	if err != nil {
		return 0, 0, out, err
	}
	b, _ := os.ReadFile(f.Name())
	kb, _ := strconv.ParseInt(strings.TrimSpace(string(b)), 10, 64)
	return took, kb << 10, out, nil
}

// uidlReference times a plaintext session that logs in, lists UIDL and
// quits: the least a sync with no new mail must do.
func uidlReference(addr string, tg *target) (time.Duration, error) {
	ctx := context.Background()
	start := time.Now()
	c, err := pop3.Dial(ctx, addr, &pop3.Options{CommandTimeout: time.Minute})
	if err != nil {
		return 0, err
	}
	defer c.Close()
	if _, err := c.Login(ctx, pop3.Credentials{Username: tg.user, Password: tg.password, Mechanism: "user", AllowCleartext: true}); err != nil {
		return 0, err
	}
	if _, err := c.UIDL(ctx); err != nil {
		return 0, err
	}
	if err := c.Quit(ctx); err != nil {
		return 0, err
	}
	return time.Since(start), nil
}

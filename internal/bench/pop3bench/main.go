// Command pop3bench measures popterm's POP3 client against a real Dovecot
// behind a latency proxy (20 ms round trip by default): the headers of a
// 10,000-message maildrop fetched with pipelined TOP (RFC 2449 PIPELINING),
// 1,000 headers fetched one command at a time, and the RETR of a 100 MB
// message with the client's peak resident memory. It is a benchmark, not a
// test: run it with scripts/bench-pop3.sh.
package main

import (
	"bufio"
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/popterm/popterm/internal/dovecottest"
	"github.com/popterm/popterm/internal/latencyproxy"
	"github.com/popterm/popterm/pop3"
)

// childEnv, when set to "retr", makes the program the RETR client child: it
// runs in its own process so that its peak RSS counts the client alone, not
// the proxy or the message generator.
const childEnv = "POP3BENCH_CHILD"

type config struct {
	messages   int
	sequential int
	rtt        time.Duration
	bigMB      int
	window     int
	keep       bool
}

func main() {
	if os.Getenv(childEnv) == "retr" {
		if err := retrChild(); err != nil {
			fmt.Fprintln(os.Stderr, "pop3bench retr:", err)
			os.Exit(1)
		}
		return
	}
	var cfg config
	flag.IntVar(&cfg.messages, "messages", 10000, "messages in the maildrop")
	flag.IntVar(&cfg.sequential, "sequential", 1000, "headers fetched one command at a time")
	flag.DurationVar(&cfg.rtt, "rtt", 20*time.Millisecond, "round-trip time added by the proxy")
	flag.IntVar(&cfg.bigMB, "big", 100, "size in MB of the message retrieved with RETR (0: skip)")
	flag.IntVar(&cfg.window, "window", 0, "pipelining window, commands in flight (0: the client's default)")
	flag.BoolVar(&cfg.keep, "keep", false, "keep the Dovecot folder afterwards")
	flag.Parse()
	if err := run(cfg); err != nil {
		fmt.Fprintln(os.Stderr, "pop3bench:", err)
		os.Exit(1)
	}
}

func run(cfg config) error {
	if cfg.sequential > cfg.messages {
		cfg.sequential = cfg.messages
	}
	dir, err := os.MkdirTemp("", "pop3bench-")
	if err != nil {
		return err
	}
	if cfg.keep {
		fmt.Println("folder:", dir)
	} else {
		defer os.RemoveAll(dir)
	}
	t0 := time.Now()
	srv, err := dovecottest.StartProcess(filepath.Join(dir, "dovecot"))
	if err != nil {
		return err
	}
	defer srv.Stop()
	window := "default"
	if cfg.window > 0 {
		window = strconv.Itoa(cfg.window)
	}
	fmt.Printf("POP3 benchmark: %s, implicit TLS, %v round trip (latency proxy, %v each way), pipelining window %s\n",
		dovecotVersion(), cfg.rtt, cfg.rtt/2, window)
	fmt.Printf("  start Dovecot:                          %8.3f s\n", time.Since(t0).Seconds())

	t0 = time.Now()
	var total int64
	err = srv.Fill(srv.User, cfg.messages, func(i int) []byte {
		m := benchMessage(i)
		total += int64(len(m))
		return m
	})
	if err != nil {
		return err
	}
	fmt.Printf("  write %d messages (avg %.1f KB):     %8.3f s\n", cfg.messages,
		float64(total)/float64(cfg.messages)/1024, time.Since(t0).Seconds())

	ctx := context.Background()
	opts := &pop3.Options{
		TLSConfig:      &tls.Config{RootCAs: srv.CertPool()},
		CommandTimeout: 5 * time.Minute,
		PipelineWindow: cfg.window,
	}
	// Dovecot indexes the maildrop at the first login: do it before timing.
	t0 = time.Now()
	if err := warmUp(ctx, srv.TLSAddr(), opts, srv.User, srv.Password, cfg.messages); err != nil {
		return err
	}
	fmt.Printf("  first login, Dovecot indexes (no proxy): %7.3f s\n", time.Since(t0).Seconds())

	proxy, err := latencyproxy.New(srv.TLSAddr(), cfg.rtt/2)
	if err != nil {
		return err
	}
	defer proxy.Close()
	if err := headers(ctx, cfg, proxy.Addr(), opts, srv); err != nil {
		return err
	}
	if cfg.bigMB > 0 {
		return bigRetr(ctx, cfg, dir, srv, proxy.Addr(), opts)
	}
	return nil
}

// warmUp logs in once and checks the message count.
func warmUp(ctx context.Context, addr string, opts *pop3.Options, user, pass string, want int) error {
	c, err := pop3.DialTLS(ctx, addr, opts)
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.Login(ctx, pop3.Credentials{Username: user, Password: pass}); err != nil {
		return err
	}
	n, _, err := c.Stat(ctx)
	if err != nil {
		return err
	}
	if n != want {
		return fmt.Errorf("STAT says %d messages, want %d", n, want)
	}
	return c.Quit(ctx)
}

// headers times pipelined TOP for every message and sequential TOP for the
// first cfg.sequential, in one session through the proxy.
func headers(ctx context.Context, cfg config, addr string, opts *pop3.Options, srv *dovecottest.Server) error {
	t0 := time.Now()
	c, err := pop3.DialTLS(ctx, addr, opts)
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.Login(ctx, pop3.Credentials{Username: srv.User, Password: srv.Password}); err != nil {
		return err
	}
	fmt.Printf("  connect, TLS, login (through the proxy): %7.3f s\n", time.Since(t0).Seconds())
	if !c.Caps().Pipelining {
		return errors.New("the server does not advertise PIPELINING")
	}

	nums := make([]int, cfg.messages)
	for i := range nums {
		nums[i] = i + 1
	}
	var bytes int64
	t0 = time.Now()
	err = c.TopMany(ctx, nums, 0, func(n int, body io.Reader, err error) error {
		if err != nil {
			return err
		}
		k, err := io.Copy(io.Discard, body)
		bytes += k
		return err
	})
	if err != nil {
		return fmt.Errorf("pipelined TOP: %w", err)
	}
	pipelined := time.Since(t0)
	fmt.Printf("  pipelined TOP n 0, all %d headers:  %8.3f s  (%.3f ms/message, %.1f MB)\n",
		cfg.messages, pipelined.Seconds(), ms(pipelined)/float64(cfg.messages), float64(bytes)/(1<<20))
	window := cfg.window
	if window <= 0 {
		window = pop3.DefaultPipelineWindow
	}
	if cfg.rtt > 0 {
		fmt.Printf("    (a window of %d commands at %v allows %.0f commands/s: %.2f s at best)\n",
			window, cfg.rtt, float64(window)/cfg.rtt.Seconds(), float64(cfg.messages)*cfg.rtt.Seconds()/float64(window))
	}

	t0 = time.Now()
	for n := 1; n <= cfg.sequential; n++ {
		rc, err := c.Top(ctx, n, 0)
		if err != nil {
			return fmt.Errorf("TOP %d: %w", n, err)
		}
		_, err = io.Copy(io.Discard, rc)
		rc.Close()
		if err != nil {
			return fmt.Errorf("TOP %d: %w", n, err)
		}
	}
	seq := time.Since(t0)
	perSeq := ms(seq) / float64(cfg.sequential)
	perPipe := ms(pipelined) / float64(cfg.messages)
	fmt.Printf("  one at a time, %d headers:            %8.3f s  (%.3f ms/message; %d would take %.0f s)\n",
		cfg.sequential, seq.Seconds(), perSeq, cfg.messages, perSeq*float64(cfg.messages)/1000)
	fmt.Printf("  per message, one at a time / pipelined:  %7.0fx\n", perSeq/perPipe)
	return c.Quit(ctx)
}

// bigRetr delivers a big message to a user of its own and has a child
// process retrieve it, reporting the child's peak RSS.
func bigRetr(ctx context.Context, cfg config, dir string, srv *dovecottest.Server, addr string, opts *pop3.Options) error {
	const user, pass = "big", "big-pass"
	if err := srv.AddUser(user, pass); err != nil {
		return err
	}
	t0 := time.Now()
	name, err := srv.WriteMessageFrom(user, newBigMessage(int64(cfg.bigMB)<<20))
	if err != nil {
		return err
	}
	// The message has LF line ends, so RETR must give back exactly S= bytes.
	_, sizeField, _ := strings.Cut(name, ",S=")
	sizeField, _, _ = strings.Cut(sizeField, ",")
	want, err := strconv.ParseInt(sizeField, 10, 64)
	if err != nil {
		return fmt.Errorf("size of %s: %w", name, err)
	}
	fmt.Printf("  write a %d MB message:                 %8.3f s\n", cfg.bigMB, time.Since(t0).Seconds())
	out := filepath.Join(dir, "retr.out")
	cmd := exec.CommandContext(ctx, os.Args[0])
	cmd.Env = append(os.Environ(), childEnv+"=retr",
		"POP3BENCH_ADDR="+addr, "POP3BENCH_CA="+srv.CAFile(),
		"POP3BENCH_USER="+user, "POP3BENCH_PASSWORD="+pass, "POP3BENCH_OUT="+out)
	cmd.Stderr = os.Stderr
	res, err := cmd.Output()
	if err != nil {
		return fmt.Errorf("RETR child: %w", err)
	}
	f := strings.Fields(string(res))
	if len(f) != 4 {
		return fmt.Errorf("RETR child said %q", res)
	}
	bytes, _ := strconv.ParseInt(f[0], 10, 64)
	secs, _ := strconv.ParseFloat(f[1], 64)
	hwm, _ := strconv.ParseInt(f[2], 10, 64)
	base, _ := strconv.ParseInt(f[3], 10, 64)
	if bytes != want {
		return fmt.Errorf("RETR gave %d bytes, want %d", bytes, want)
	}
	fmt.Printf("  RETR %d MB to a file (through the proxy): %6.3f s  (%.0f MB/s), client peak RSS %.1f MB (%.1f MB before RETR)\n",
		cfg.bigMB, secs, float64(bytes)/(1<<20)/secs, float64(hwm)/1024, float64(base)/1024)
	return nil
}

// retrChild retrieves message 1 to a file and prints bytes, seconds, peak
// RSS in KB and RSS in KB before the RETR.
func retrChild() error {
	ctx := context.Background()
	pem, err := os.ReadFile(os.Getenv("POP3BENCH_CA"))
	if err != nil {
		return err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return errors.New("no certificate in the CA file")
	}
	opts := &pop3.Options{TLSConfig: &tls.Config{RootCAs: pool}, CommandTimeout: 5 * time.Minute}
	c, err := pop3.DialTLS(ctx, os.Getenv("POP3BENCH_ADDR"), opts)
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.Login(ctx, pop3.Credentials{Username: os.Getenv("POP3BENCH_USER"), Password: os.Getenv("POP3BENCH_PASSWORD")}); err != nil {
		return err
	}
	out, err := os.Create(os.Getenv("POP3BENCH_OUT"))
	if err != nil {
		return err
	}
	defer out.Close()
	base := procStatus("VmRSS")
	t0 := time.Now()
	rc, err := c.Retr(ctx, 1)
	if err != nil {
		return err
	}
	n, err := io.Copy(out, rc)
	rc.Close()
	if err != nil {
		return err
	}
	secs := time.Since(t0).Seconds()
	if err := c.Quit(ctx); err != nil {
		return err
	}
	fmt.Println(n, secs, procStatus("VmHWM"), base)
	return nil
}

// procStatus returns a field of /proc/self/status in KB (0 if unknown).
func procStatus(field string) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		return 0
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), field+":"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			return kb
		}
	}
	return 0
}

// dovecotVersion returns "Dovecot x.y.z" or "Dovecot".
func dovecotVersion() string {
	bin, err := dovecottest.Lookup()
	if err != nil {
		return "Dovecot"
	}
	out, err := exec.Command(bin, "--version").Output()
	if err != nil {
		return "Dovecot"
	}
	return "Dovecot " + strings.Fields(string(out) + " ?")[0]
}

func ms(d time.Duration) float64 { return float64(d) / float64(time.Millisecond) }

// Command storebench measures what a user of a large store waits for, end to
// end with the real binary: it builds a store of 100,000 messages through the
// cache API (every header indexed, 10% of the bodies stored as Maildir files
// of realistic text) and writes a config for it. It then runs the reader
// under tmux (reader.go: its memory with the index loaded and after
// searches and sorts, and the time from Enter to a search's count on
// screen, beside popterm list --search), and times `popterm list` (the
// first page) and `popterm list --search` (a common word and a rare one) as
// whole processes, printing the median of several runs. Nothing touches the
// network: list and the reader work offline (the account's server is a
// closed port). Each list figure is the time to the first page (50 lines)
// and to the end of the process. scripts/bench-store.sh runs it.
package main

import (
	"bufio"
	"bytes"
	"context"
	"flag"
	"fmt"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/popterm/popterm/cache"
	"github.com/popterm/popterm/internal/bench/benchmail"
)

// rareWord is planted in a handful of bodies, so a rare-word search has a
// few answers to find among 100,000 messages.
const rareWord = "quetzalcoatl"

// commonWords is everyday English; the first ones appear in many messages.
var commonWords = strings.Fields(`meeting the of and to a in is it you that he was for on are with as
	I his they be at one have this from or had by not word but what some we can out other were all there
	when up use your how said an each she which do their time if will way about many then them write would
	like so these her long make thing see him two has look more day could go come did number sound no most
	people my over know water than call first who may down side been now find any new work part take get
	place made live where after back little only round man year came show every good me give our under
	name very through just form sentence great think say help low line differ turn cause much mean before
	move right boy old too same tell does set three want air well also play small end put home read hand
	port large spell add even land here must big high such follow act why ask men change went light kind
	off need house picture try us again animal point mother world near build self earth father head stand
	own page should country found answer school grow study still learn plant cover food sun four between
	state keep eye never last let thought city tree cross farm hard start might story saw far sea draw
	left late run while press close night real life few north report invoice budget project deadline
	schedule review quarter customer release draft agenda minutes contract shipment payment`)

func main() {
	n := flag.Int("n", 100_000, "messages in the store")
	bodies := flag.Int("bodies", 10, "percent of the messages with a stored body")
	runs := flag.Int("runs", 7, "runs of each command (the median is printed)")
	bin := flag.String("popterm", "", "the popterm binary to time (required)")
	keep := flag.String("dir", "", "build the store here and keep it (default: a temporary folder, removed)")
	reader := flag.Bool("reader", true, "also measure the reader under tmux (memory, search to screen)")
	onlyReader := flag.Bool("only-reader", false, "measure the reader only, not the list commands")
	flag.Parse()
	if *bin == "" {
		fmt.Fprintln(os.Stderr, "storebench: -popterm BINARY is required (scripts/bench-store.sh builds it)")
		os.Exit(2)
	}
	if err := bench(*bin, *keep, *n, *bodies, *runs, *reader || *onlyReader, *onlyReader); err != nil {
		fmt.Fprintln(os.Stderr, "storebench:", err)
		os.Exit(1)
	}
}

// bench builds the store (unless dir already holds one of n messages) and
// times the commands.
func bench(bin, dir string, n, bodyPercent, runs int, reader, onlyReader bool) error {
	if dir == "" {
		tmp, err := os.MkdirTemp("", "storebench-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(tmp)
		dir = tmp
	}
	storeDir := filepath.Join(dir, "store")
	start := time.Now()
	built, err := build(storeDir, n, bodyPercent)
	if err != nil {
		return fmt.Errorf("build the store: %w", err)
	}
	if built {
		fmt.Printf("built a store of %d messages (%d%% with bodies) in %s\n", n, bodyPercent, time.Since(start).Round(time.Second))
	}
	cfg := filepath.Join(dir, "config.toml")
	doc := fmt.Sprintf(`default_account = "bench"

[[account]]
name = "bench"
host = "127.0.0.1"
port = 9
tls = "none"
username = "bench"
auth = "user"
allow_cleartext_auth = true
password_cmd = "echo unused"
store_dir = %q
`, storeDir)
	if err := os.WriteFile(cfg, []byte(doc), 0o600); err != nil {
		return err
	}
	if reader {
		f, err := benchReader(bin, cfg)
		if err != nil {
			return fmt.Errorf("reader: %w", err)
		}
		f.print()
	}
	if onlyReader {
		return nil
	}
	cases := []struct {
		name    string
		args    []string
		atLeast int
		atMost  int // 0: no bound
	}{
		{"popterm list --limit 50 (first page)", []string{"list", "--limit", "50"}, 50, 50},
		{"popterm list --search meeting --limit 50 (common word)", []string{"list", "--search", "meeting", "--limit", "50"}, 50, 50},
		{"popterm list --search " + rareWord + " (rare word, all results)", []string{"list", "--search", rareWord}, 5, 6},
		{"popterm list --json --limit 50", []string{"list", "--json", "--limit", "50"}, 50, 0},
		{"popterm list (all messages)", []string{"list"}, n, n},
		{"popterm list --search meeting (all results)", []string{"list", "--search", "meeting"}, 50, 0},
	}
	fmt.Printf("median of %d runs of the real binary, from process start to the first %d lines and to exit:\n", runs, pageLines)
	for _, c := range cases {
		whole, page, lines, err := timeCommand(bin, cfg, c.args, runs)
		if err != nil {
			return fmt.Errorf("%s: %w", c.name, err)
		}
		if lines < c.atLeast || (c.atMost > 0 && lines > c.atMost) {
			return fmt.Errorf("%s printed %d lines, want %d to %d", c.name, lines, c.atLeast, c.atMost)
		}
		fmt.Printf("  %-58s %8.1f ms %8.1f ms  (%d lines)\n", c.name, ms(page), ms(whole), lines)
	}
	return nil
}

// timeCommand runs popterm runs times and returns the median wall time from
// process start to exit, the median time until the first page (50 lines)
// was printed, and the number of lines of the last run's output.
func timeCommand(bin, cfg string, args []string, runs int) (whole, firstPage time.Duration, lines int, err error) {
	var wholes, pages []time.Duration
	for range runs {
		cmd := exec.Command(bin, append([]string{"--config", cfg}, args...)...)
		var errb bytes.Buffer
		cmd.Stderr = &errb
		stdout, err := cmd.StdoutPipe()
		if err != nil {
			return 0, 0, 0, err
		}
		start := time.Now()
		if err := cmd.Start(); err != nil {
			return 0, 0, 0, err
		}
		var page time.Duration
		lines = 0
		sc := bufio.NewScanner(stdout)
		sc.Buffer(make([]byte, 64*1024), 1<<20)
		for sc.Scan() {
			if lines++; lines == pageLines {
				page = time.Since(start)
			}
		}
		if err := cmd.Wait(); err != nil {
			return 0, 0, 0, fmt.Errorf("%v: %s", err, strings.TrimSpace(errb.String()))
		}
		wholes = append(wholes, time.Since(start))
		if page == 0 {
			page = time.Since(start)
		}
		pages = append(pages, page)
	}
	return median(wholes), median(pages), lines, nil
}

// pageLines is a first page of the list.
const pageLines = 50

// median is the middle of ds.
func median(ds []time.Duration) time.Duration {
	slices.Sort(ds)
	return ds[len(ds)/2]
}

// ms is d in milliseconds.
func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// build fills a new store at dir with n messages through the cache API:
// headers in batches of 1,000, then bodyPercent% of the bodies with
// SaveBody. It reports false when dir already holds n messages.
func build(dir string, n, bodyPercent int) (bool, error) {
	ctx := context.Background()
	s, err := cache.Open(dir, cache.Options{})
	if err != nil {
		return false, err
	}
	defer s.Close()
	if st, err := s.Stats(ctx); err != nil {
		return false, err
	} else if st.Total == n {
		return false, nil
	} else if st.Total != 0 {
		return false, fmt.Errorf("%s holds %d messages, not %d: remove it or choose another -dir", dir, st.Total, n)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	var ids []int64
	for start := 0; start < n; start += 1000 {
		batch := make([]cache.NewMessage, 0, 1000)
		for i := start; i < min(start+1000, n); i++ {
			batch = append(batch, cache.NewMessage{UIDL: fmt.Sprintf("%06d-%08x", i, rng.Uint32()), Size: int64(2000 + rng.IntN(50000)), Header: benchmail.Header(rng, i, sentence(rng, 3+rng.IntN(6)))})
		}
		got, err := s.Add(ctx, batch)
		if err != nil {
			return false, err
		}
		ids = append(ids, got...)
	}
	step := 100 / max(bodyPercent, 1)
	every := max(len(ids)/step/5, 1) // five bodies carry the rare word
	planted := 0
	b, err := s.NewBatch(ctx, nil)
	if err != nil {
		return false, err
	}
	for k := 0; k < len(ids); k += step {
		text := sentence(rng, 200+rng.IntN(600))
		if (k/step)%every == 0 {
			text += " " + rareWord
			planted++
		}
		raw := fmt.Sprintf("%s\n%s\n", headerText(ids[k]), wrap(text))
		if err := b.Save(ids[k], strings.NewReader(raw)); err != nil {
			b.Close()
			return false, err
		}
	}
	if _, err := b.Close(); err != nil {
		return false, err
	}
	for {
		n, err := s.IndexBodies(ctx, 500)
		if err != nil {
			return false, err
		}
		if n == 0 {
			break
		}
	}
	if planted == 0 {
		return false, fmt.Errorf("the rare word was planted nowhere")
	}
	return true, nil
}

// pick chooses a word, low indexes far more often (roughly Zipf).
func pick(rng *rand.Rand) string {
	return commonWords[int(float64(len(commonWords))*rng.Float64()*rng.Float64())]
}

// sentence is n words of everyday text.
func sentence(rng *rand.Rand, n int) string {
	w := make([]string, n)
	for i := range w {
		w[i] = pick(rng)
	}
	return strings.Join(w, " ")
}

// wrap breaks text into lines of about 72 columns.
func wrap(text string) string {
	var b strings.Builder
	col := 0
	for _, w := range strings.Fields(text) {
		if col > 0 && col+1+len(w) > 72 {
			b.WriteByte('\n')
			col = 0
		} else if col > 0 {
			b.WriteByte(' ')
			col++
		}
		b.WriteString(w)
		col += len(w)
	}
	return b.String()
}

// headerText is the short header block stored with a body.
func headerText(id int64) string {
	return fmt.Sprintf("From: sender@example.org\nSubject: message %d\nMIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n", id)
}

package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"time"
)

// benchSearches are the searches the reader benchmark types, in order: a
// common word (about one message in eight), two rarer ones, two words, and
// the common word again.
var benchSearches = []string{"meeting", "invoice", "deadline", "project review", "meeting"}

// readerFigures are what the reader benchmark measured.
type readerFigures struct {
	load                   time.Duration // start to the whole index shown
	rssLoaded, hwmLoaded   int           // kB, with the index loaded
	rssAfter, hwmAfter     int           // kB, after the searches and sorts
	searches               []searchFigure
	sortTimes              []time.Duration
	wrongLabels            int // labels seen whose count disagreed with the result
	cliSearch, cliFirstTen []time.Duration
}

// searchFigure is one search typed into the reader.
type searchFigure struct {
	words          string
	hits           int
	fromEnter      time.Duration // Enter to the label with the full count
	fromFirstKey   time.Duration // first typed key to the label with the full count
	cliWhole       time.Duration // popterm list --search WORDS, whole process
	cliFirstScreen time.Duration // the same, to its first 50 lines
}

// benchReader runs the real reader under tmux on the store of cfg and
// measures its memory with the index loaded, the time from Enter to a
// search's result on screen, and its memory after five searches and three
// sorts; each search is also timed with popterm list --search.
func benchReader(bin, cfg string) (readerFigures, error) {
	var f readerFigures
	if _, err := exec.LookPath("tmux"); err != nil {
		return f, fmt.Errorf("tmux is not installed (apt-get install tmux)")
	}
	oldest, err := oldestSubject(bin, cfg)
	if err != nil {
		return f, err
	}
	hits := map[string]int{}
	for _, w := range benchSearches {
		whole, page, lines, err := timeCommand(bin, cfg, []string{"list", "--search", w}, 3)
		if err != nil {
			return f, fmt.Errorf("list --search %s: %w", w, err)
		}
		hits[w] = lines
		f.searches = append(f.searches, searchFigure{words: w, hits: lines, cliWhole: whole, cliFirstScreen: page})
	}
	t := &tmuxReader{socket: fmt.Sprintf("storebench-%d", os.Getpid())}
	defer t.close()
	start := time.Now()
	if err := t.start(bin, cfg); err != nil {
		return f, err
	}
	if err := t.waitLoaded(oldest, 120*time.Second); err != nil {
		return f, fmt.Errorf("the reader did not show the whole index: %w", err)
	}
	f.load = time.Since(start)
	time.Sleep(time.Second) // let the counts and the first GC settle
	if f.rssLoaded, f.hwmLoaded, err = t.memory(); err != nil {
		return f, err
	}
	for i := range f.searches {
		s := &f.searches[i]
		firstKey := time.Now()
		if err := t.keys("/"); err != nil {
			return f, err
		}
		if err := t.literal(s.words); err != nil {
			return f, err
		}
		time.Sleep(50 * time.Millisecond) // the keys arrive; live search starts
		enter := time.Now()
		if err := t.keys("Enter"); err != nil {
			return f, err
		}
		wrong, err := t.waitLabel(s.words, hits[s.words], 60*time.Second)
		f.wrongLabels += wrong
		if err != nil {
			return f, err
		}
		s.fromEnter, s.fromFirstKey = time.Since(enter), time.Since(firstKey)
		if err := t.keys("Escape"); err != nil {
			return f, err
		}
		// A key right after Escape would read as Alt+key.
		time.Sleep(300 * time.Millisecond)
		if err := t.waitLoaded(oldest, 60*time.Second); err != nil {
			return f, fmt.Errorf("after the search %q: %w", s.words, err)
		}
	}
	for _, name := range []string{"sender", "subject", "size", "date"} {
		at := time.Now()
		if err := t.keys("o"); err != nil {
			return f, err
		}
		if err := t.waitText("(by "+name+")", 60*time.Second); err != nil {
			return f, err
		}
		f.sortTimes = append(f.sortTimes, time.Since(at))
	}
	time.Sleep(time.Second)
	f.rssAfter, f.hwmAfter, err = t.memory()
	return f, err
}

// oldestSubject is the subject of the last message of popterm list: the
// bottom row of the whole index in date order.
func oldestSubject(bin, cfg string) (string, error) {
	out, err := exec.Command(bin, "--config", cfg, "list", "--json").Output()
	if err != nil {
		return "", fmt.Errorf("list --json: %w", err)
	}
	var rows []struct {
		Subject string `json:"subject"`
	}
	if err := json.Unmarshal(out, &rows); err != nil {
		// One object a line (JSON lines).
		rows = rows[:0]
		for _, line := range bytes.Split(bytes.TrimSpace(out), []byte("\n")) {
			var r struct {
				Subject string `json:"subject"`
			}
			if err := json.Unmarshal(line, &r); err != nil {
				return "", fmt.Errorf("read list --json: %w", err)
			}
			rows = append(rows, r)
		}
	}
	if len(rows) == 0 {
		return "", fmt.Errorf("the store is empty")
	}
	return rows[len(rows)-1].Subject, nil
}

// tmuxReader drives one reader in a private tmux server.
type tmuxReader struct {
	socket     string
	socketPath string // the server's socket file, removed by close
	pid        int
}

func (t *tmuxReader) tmux(args ...string) ([]byte, error) {
	out, err := exec.Command("tmux", append([]string{"-L", t.socket}, args...)...).CombinedOutput()
	if err != nil {
		return out, fmt.Errorf("tmux %s: %v: %s", args[0], err, strings.TrimSpace(string(out)))
	}
	return out, nil
}

// start runs the reader in a 160x50 window (no sync: the account's server
// is a closed port, so it shows the store offline).
func (t *tmuxReader) start(bin, cfg string) error {
	abs, err := filepath.Abs(bin)
	if err != nil {
		return err
	}
	if _, err := t.tmux("new-session", "-d", "-s", "r", "-x", "160", "-y", "50",
		fmt.Sprintf("exec env TERM=xterm-256color %q --config %q", abs, cfg)); err != nil {
		return err
	}
	out, err := t.tmux("display-message", "-p", "-t", "r", "#{pane_pid} #{socket_path}")
	if err != nil {
		return err
	}
	pid, path, _ := strings.Cut(strings.TrimSpace(string(out)), " ")
	t.socketPath = path
	t.pid, err = strconv.Atoi(pid)
	return err
}

// close ends the reader and its tmux server and waits (up to ten
// seconds) until the reader has let go of the store.
func (t *tmuxReader) close() {
	_, _ = t.tmux("kill-server")
	if t.socketPath != "" {
		_ = os.Remove(t.socketPath)
	}
	for end := time.Now().Add(10 * time.Second); t.pid > 0 && time.Now().Before(end); {
		b, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", t.pid))
		if err != nil || strings.Contains(string(b), ") Z ") {
			break // gone, or a zombie that holds no lock
		}
		time.Sleep(50 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
}

func (t *tmuxReader) keys(k ...string) error {
	_, err := t.tmux(append([]string{"send-keys", "-t", "r"}, k...)...)
	return err
}

func (t *tmuxReader) literal(s string) error {
	_, err := t.tmux("send-keys", "-t", "r", "-l", s)
	return err
}

func (t *tmuxReader) screen() (string, error) {
	out, err := t.tmux("capture-pane", "-p", "-t", "r")
	return string(out), err
}

// waitLoaded presses G (the last row) until the oldest message shows, so
// the whole index is there, then g.
func (t *tmuxReader) waitLoaded(oldest string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	probe := oldest
	if len(probe) > 40 {
		probe = probe[:40]
	}
	for time.Now().Before(deadline) {
		if err := t.keys("G"); err != nil {
			return err
		}
		time.Sleep(100 * time.Millisecond)
		s, err := t.screen()
		if err != nil {
			return err
		}
		if strings.Contains(s, probe) {
			return t.keys("g")
		}
	}
	return fmt.Errorf("no row %q after %s", oldest, limit)
}

// waitText polls the screen until it shows text.
func (t *tmuxReader) waitText(text string, limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		s, err := t.screen()
		if err != nil {
			return err
		}
		if strings.Contains(s, text) {
			return nil
		}
		time.Sleep(5 * time.Millisecond)
	}
	return fmt.Errorf("the screen never showed %q", text)
}

// waitLabel polls the screen until the search label shows want messages;
// it counts the polls that showed another count.
func (t *tmuxReader) waitLabel(words string, want int, limit time.Duration) (wrong int, err error) {
	re := regexp.MustCompile(`“` + regexp.QuoteMeta(words) + `”: ([0-9]+) messages?`)
	deadline := time.Now().Add(limit)
	last := -1
	for time.Now().Before(deadline) {
		s, err := t.screen()
		if err != nil {
			return wrong, err
		}
		if m := re.FindStringSubmatch(s); m != nil {
			n, _ := strconv.Atoi(m[1])
			if n == want {
				return wrong, nil
			}
			if n != last {
				wrong++
				last = n
			}
		}
		time.Sleep(5 * time.Millisecond)
	}
	return wrong, fmt.Errorf("the label never showed “%s”: %d messages", words, want)
}

// memory reads the reader's resident set and its peak, in kB.
func (t *tmuxReader) memory() (rss, hwm int, err error) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", t.pid))
	if err != nil {
		return 0, 0, fmt.Errorf("read the reader's memory: %w", err)
	}
	for _, line := range strings.Split(string(b), "\n") {
		f := strings.Fields(line)
		if len(f) < 2 {
			continue
		}
		switch f[0] {
		case "VmRSS:":
			rss, _ = strconv.Atoi(f[1])
		case "VmHWM:":
			hwm, _ = strconv.Atoi(f[1])
		}
	}
	return rss, hwm, nil
}

// print writes the figures.
func (f readerFigures) print() {
	fmt.Printf("the reader under tmux (160x50), offline, %s to the whole index:\n", f.load.Round(time.Millisecond))
	fmt.Printf("  RSS with the index loaded:            %6.1f MB (peak %6.1f MB)\n", mb(f.rssLoaded), mb(f.hwmLoaded))
	fmt.Printf("  RSS after %d searches and %d sorts:     %6.1f MB (peak %6.1f MB)\n", len(f.searches), len(f.sortTimes), mb(f.rssAfter), mb(f.hwmAfter))
	fmt.Printf("  %-16s %7s %12s %14s %14s %14s\n", "search", "hits", "Enter->label", "1st key->label", "list (all)", "list (50)")
	for _, s := range f.searches {
		fmt.Printf("  %-16s %7d %9.1f ms %11.1f ms %11.1f ms %11.1f ms\n", "“"+s.words+"”", s.hits, ms(s.fromEnter), ms(s.fromFirstKey), ms(s.cliWhole), ms(s.cliFirstScreen))
	}
	var sorts []string
	for _, d := range f.sortTimes {
		sorts = append(sorts, fmt.Sprintf("%.0f ms", ms(d)))
	}
	fmt.Printf("  sorts (o: sender, subject, size, date), key to title: %s\n", strings.Join(sorts, ", "))
	fmt.Printf("  search labels seen with a count that disagreed with the result: %d\n", f.wrongLabels)
}

// mb is kB in MB.
func mb(kb int) float64 { return float64(kb) / 1024 }

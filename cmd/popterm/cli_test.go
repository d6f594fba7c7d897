package main

import (
	"bytes"
	"context"
	"database/sql"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/popterm/popterm/internal/testenv"
	"github.com/popterm/popterm/pop3/pop3test"
)

func TestGlobalFlagsAnywhere(t *testing.T) {
	c := newCLI(t, "", testMail("a", "first"))
	c.must("sync")
	id := fmt.Sprint(c.list()[0].ID)
	tests := []struct {
		name string
		args []string
		want int
	}{
		{"before", []string{"--config", c.config, "--account", "test", "list"}, exitOK},
		{"after", []string{"list", "--config", c.config, "--account", "test"}, exitOK},
		{"with =", []string{"list", "--config=" + c.config, "--account=test"}, exitOK},
		{"around", []string{"--account", "test", "show", id, "--config", c.config}, exitOK},
		{"between the command's flags", []string{"list", "--limit", "1", "--config", c.config, "--json"}, exitOK},
		{"unknown account after", []string{"list", "--config", c.config, "--account", "nope"}, exitUsage},
		{"unknown account before", []string{"--account", "nope", "--config", c.config, "sync"}, exitUsage},
		{"missing value", []string{"list", "--config"}, exitUsage},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var out, errb bytes.Buffer
			code := run(context.Background(), tt.args, &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errb})
			if code != tt.want {
				t.Fatalf("popterm %v: exit %d, want %d\n%s%s", tt.args, code, tt.want, out.String(), errb.String())
			}
			if code == exitOK && !strings.Contains(out.String(), "first") {
				t.Fatalf("popterm %v printed %q", tt.args, out.String())
			}
		})
	}
}

// runBinary runs the built popterm with pipes as stdout and stderr.
func runBinary(t *testing.T, bin string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	cmd := exec.Command(bin, args...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	if ee, ok := err.(*exec.ExitError); ok {
		return ee.ExitCode(), out.String(), errb.String()
	} else if err != nil {
		t.Fatal(err)
	}
	return 0, out.String(), errb.String()
}

func TestSyncProgressOnATerminalOnly(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	testenv.LookPath(t, "script")
	var msgs []pop3test.Message
	for i := range 20 {
		msgs = append(msgs, testMail(fmt.Sprint(i), fmt.Sprint("subject ", i)))
	}
	c := newCLI(t, "", msgs...)
	bin := popBinary(t)
	// Not a terminal: one summary line, nothing else.
	c.md.Add(testMail("x", "extra"))
	code, out, errs := runBinary(t, bin, "--config", c.config, "sync")
	if code != exitOK || errs != "" || strings.Count(out, "\n") != 1 || !strings.HasPrefix(out, "test: 21 new") || strings.ContainsAny(out, "\r\x1b") {
		t.Fatalf("sync into pipes: exit %d, stdout %q, stderr %q", code, out, errs)
	}
	// A terminal (script(1) gives it a pseudo-terminal): a bar redrawn in
	// place on one line, erased, then the summary.
	c.md.Add(testMail("y", "more"))
	cmd := exec.Command("script", "-qec", bin+" --config "+c.config+" sync", "/dev/null")
	tty, err := cmd.Output()
	if err != nil {
		t.Fatalf("sync on a terminal: %v\n%q", err, tty)
	}
	screen := string(tty)
	if !strings.Contains(screen, "\rtest: ") || !strings.Contains(screen, "\r\x1b[K") || !strings.Contains(screen, "test: 1 new") {
		t.Fatalf("no progress bar on a terminal: %q", screen)
	}
	last := screen[strings.LastIndex(screen, "\r\x1b[K")+len("\r\x1b[K"):]
	if strings.TrimSpace(last) != "test: 1 new, 1 downloaded, 0 gone from the server, 0 deleted, 0 pending deletion" {
		t.Fatalf("after the bar: %q", last)
	}
}

func TestInterruptedSyncCommitsNothing(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs the binary")
	}
	c := newCLI(t, "", testMail("a", "first"), testMail("b", "second"))
	c.must("sync")
	marked := c.list()[0]
	c.must("delete", fmt.Sprint(marked.ID))
	big := testMail("c", "third")
	big.Data = append(big.Data, bytes.Repeat([]byte("a long body line\n"), 5000)...)
	c.md.Add(big)
	c.srv.ResetLog()
	c.srv.SetFaults(pop3test.Faults{StallOn: "RETR"})
	bin := popBinary(t)
	cmd := exec.Command(bin, "--config", c.config, "sync")
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	for i := 0; !slices.Contains(c.srv.Commands(), "RETR"); i++ {
		if i > 1000 {
			cmd.Process.Kill()
			t.Fatal("the sync never reached RETR")
		}
		time.Sleep(10 * time.Millisecond)
	}
	cmd.Process.Signal(os.Interrupt) // what Ctrl-C sends
	err := cmd.Wait()
	ee, ok := err.(*exec.ExitError)
	if !ok || ee.ExitCode() != exitFailure || out.Len() != 0 || !strings.Contains(errb.String(), "cancelled; nothing was deleted") ||
		strings.Count(strings.TrimSpace(errb.String()), "\n") != 0 {
		t.Fatalf("interrupted sync: %v\nstdout %q\nstderr %q", err, out.String(), errb.String())
	}
	if slices.Contains(c.srv.Commands(), "DELE") || c.md.Len() != 3 {
		t.Fatalf("an interrupted sync deleted: %v", c.srv.Commands())
	}
	for _, m := range c.list() {
		if m.UIDL == marked.UIDL && !m.Deleted {
			t.Fatal("the mark was lost")
		}
		if m.UIDL == "c" && m.Cached {
			t.Fatal("a body that never arrived is stored")
		}
	}
	if tmp, _ := os.ReadDir(filepath.Join(c.store, "Maildir", "tmp")); len(tmp) != 0 {
		t.Fatalf("partial files in tmp/: %d", len(tmp))
	}
	if out := c.must("check"); !strings.Contains(out, "consistent") {
		t.Fatalf("check: %q", out)
	}
}

func TestMaildirFlagsFollowTheCommands(t *testing.T) {
	c := newCLI(t, "", testMail("a", "first"))
	c.must("sync")
	id := fmt.Sprint(c.list()[0].ID)
	flagsOnDisk := func() string {
		t.Helper()
		files, _ := filepath.Glob(filepath.Join(c.store, "Maildir", "cur", "*"))
		if len(files) != 1 {
			t.Fatalf("stored files: %v", files)
		}
		_, info, ok := strings.Cut(filepath.Base(files[0]), ":2,")
		if !ok {
			t.Fatalf("no Maildir info in %s", files[0])
		}
		return info
	}
	steps := []struct {
		args []string
		want string
	}{
		{nil, ""},
		{[]string{"show", id}, "S"},
		{[]string{"delete", id}, "ST"},
		{[]string{"undelete", id}, "S"},
		{[]string{"delete", id}, "ST"},
	}
	for _, st := range steps {
		if st.args != nil {
			c.must(st.args...)
		}
		if got := flagsOnDisk(); got != st.want {
			t.Fatalf("after %v: flags %q, want %q", st.args, got, st.want)
		}
	}
}

func TestCheckReportsRecovery(t *testing.T) {
	c := newCLI(t, "", testMail("a", "first"))
	c.must("sync")
	c.must("show", fmt.Sprint(c.list()[0].ID))
	// What a popterm killed between marking a message seen in the index and
	// renaming its file leaves: a file without S, and the writer's mark.
	files, _ := filepath.Glob(filepath.Join(c.store, "Maildir", "cur", "*:2,S"))
	if len(files) != 1 {
		t.Fatalf("files %v", files)
	}
	if err := os.Rename(files[0], strings.TrimSuffix(files[0], "S")); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("sqlite", filepath.Join(c.store, "index.db"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO meta (key, value) VALUES ('writer_open', '1')`); err != nil {
		t.Fatal(err)
	}
	db.Close()
	out := c.must("check")
	if !strings.Contains(out, "recovered on open") || !strings.Contains(out, "consistent") {
		t.Fatalf("check after an interrupted writer:\n%s", out)
	}
	if files, _ := filepath.Glob(filepath.Join(c.store, "Maildir", "cur", "*:2,S")); len(files) != 1 {
		t.Fatalf("the S flag was not put back: %v", files)
	}
	if out := c.must("check"); strings.Contains(out, "recovered") {
		t.Fatalf("a second check recovered again:\n%s", out)
	}
}

func TestShowRawIsTheStoredFile(t *testing.T) {
	m := testMail("a", "raw \x1b[31mred")
	m.Data = append(m.Data, []byte("line with CRLF\r\nbare CR\r here\n\x00nul and \xff byte\n")...)
	c := newCLI(t, "", m)
	c.must("sync")
	files, _ := filepath.Glob(filepath.Join(c.store, "Maildir", "cur", "*"))
	if len(files) != 1 {
		t.Fatalf("files %v", files)
	}
	stored, err := os.ReadFile(files[0])
	if err != nil {
		t.Fatal(err)
	}
	if bytes.Contains(stored, []byte("\r\n")) {
		t.Fatalf("stored with CRLF: %q", stored)
	}
	if out := c.must("show", "--raw", fmt.Sprint(c.list()[0].ID)); out != string(stored) {
		t.Fatalf("show --raw into a pipe:\n%q\nthe file:\n%q", out, stored)
	}
}

// TestDamagedIndexCommands garbles the index: every command says to run
// popterm check --repair in one line, which rebuilds it from the Maildir;
// afterwards the commands work and a sync downloads nothing again.
func TestDamagedIndexCommands(t *testing.T) {
	c := newCLI(t, "", testMail("a", "first"), testMail("b", "second"))
	c.must("sync")
	index := filepath.Join(c.store, "index.db")
	if err := os.WriteFile(index, []byte(strings.Repeat("garbage ", 1000)), 0o600); err != nil {
		t.Fatal(err)
	}
	os.Remove(index + "-wal")
	os.Remove(index + "-shm")
	for _, args := range [][]string{{"list"}, {"sync"}, {"check"}, {"show", "1"}, {"delete", "1"}} {
		code, _, errs := c.run(args...)
		if code == exitOK || !strings.Contains(errs, "popterm check --repair") || strings.Count(strings.TrimSpace(errs), "\n") != 0 {
			t.Errorf("popterm %v with a damaged index: exit %d, stderr %q; want one line saying to run popterm check --repair", args, code, errs)
		}
	}
	out := c.must("check", "--repair")
	if !strings.Contains(out, "rebuilt the index from 2 stored messages") {
		t.Fatalf("check --repair:\n%s", out)
	}
	if kept, _ := filepath.Glob(index + ".damaged-*"); len(kept) != 1 {
		t.Errorf("damaged index kept as %v, want one file", kept)
	}
	if _, err := os.Stat(filepath.Join(c.store, "lost+found")); err == nil {
		t.Error("check --repair moved mail to lost+found")
	}
	if out := c.must("sync"); !strings.Contains(out, "0 downloaded") {
		t.Errorf("sync after the rebuild:\n%s", out)
	}
	if got := c.list(); len(got) != 2 {
		t.Errorf("list after the rebuild: %d messages, want 2", len(got))
	}
	if out := c.must("check"); !strings.Contains(out, "consistent") {
		t.Errorf("check after the rebuild:\n%s", out)
	}
}

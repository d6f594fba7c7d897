package main

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/popterm/popterm/config"
)

func runDemoArgs(t *testing.T, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	// keyring stays nil (the OS keyring): the demo must not reach it.
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut}
	code = run(context.Background(), append([]string{"--demo"}, args...), e)
	return code, out.String(), errOut.String()
}

// The demo syncs the sample mailbox over pinned TLS through the normal code
// path and lists it; with stdout not a terminal, plain --demo does the same.
func TestDemoList(t *testing.T) {
	for _, args := range [][]string{{"list"}, {"--list"}, nil} {
		code, out, errOut := runDemoArgs(t, args...)
		if code != exitOK {
			t.Fatalf("--demo %q: exit %d, stderr %q", args, code, errOut)
		}
		for _, want := range []string{"Lunch on Friday?", "다음 주 회의 일정 안내", "お見積もりの件", "Rückmeldung zum Angebot", "Q3 overview draft"} {
			if !strings.Contains(out, want) {
				t.Errorf("--demo %q: the listing lacks %q:\n%s", args, want, out)
			}
		}
		if n := strings.Count(out, "\n"); n != 16 {
			t.Errorf("--demo %q: %d lines, want 16", args, n)
		}
		if !strings.Contains(errOut, "16 new") {
			t.Errorf("--demo %q: stderr %q lacks the sync summary", args, errOut)
		}
	}
}

func TestDemoShow(t *testing.T) {
	code, out, errOut := runDemoArgs(t, "show", "6")
	if code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if !strings.Contains(out, "田中です") {
		t.Errorf("show 6 lacks the ISO-2022-JP body:\n%s", out)
	}
}

func TestDemoRejectsOtherCommands(t *testing.T) {
	if code, _, errOut := runDemoArgs(t, "delete", "1"); code != exitUsage || !strings.Contains(errOut, "--demo") {
		t.Errorf("--demo delete: exit %d, stderr %q", code, errOut)
	}
}

// The demo's files are private, pinned, and gone when it ends.
func TestDemoFilesAndCleanup(t *testing.T) {
	d, err := startDemo()
	if err != nil {
		t.Fatal(err)
	}
	defer d.close()
	cfg, err := config.Load(d.cfg.Path)
	if err != nil {
		t.Fatal(err)
	}
	acct, err := cfg.Account("")
	if err != nil {
		t.Fatal(err)
	}
	if acct.TLS != config.TLSImplicit || len(acct.TLSCertSHA256) != 64 || acct.TLSInsecureSkipVerify {
		t.Errorf("demo account: TLS %q pin %q insecure %v", acct.TLS, acct.TLSCertSHA256, acct.TLSInsecureSkipVerify)
	}
	if acct.Addr() != d.srv.Addr() || !strings.HasPrefix(acct.StoreDir, d.dir) {
		t.Errorf("demo account: addr %s store %s, want %s in %s", acct.Addr(), acct.StoreDir, d.srv.Addr(), d.dir)
	}
	raw, err := os.ReadFile(d.cfg.Path)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), d.password) {
		t.Error("the password is in the config file")
	}
	for path, want := range map[string]os.FileMode{d.dir: 0o700, d.cfg.Path: 0o600} {
		fi, err := os.Stat(path)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != want {
			t.Errorf("%s: mode %v, want %v", path, fi.Mode().Perm(), want)
		}
	}
	if pw, err := d.keyring.Get(acct.PasswordKey()); err != nil || pw != d.password {
		t.Errorf("in-memory keyring: %q, %v", pw, err)
	}
	d.close()
	if _, err := os.Stat(d.dir); !os.IsNotExist(err) {
		t.Errorf("the demo folder survives: %v", err)
	}
}

// A demo killed before its cleanup leaves a folder; the next demo removes it,
// and nothing else.
func TestDemoRemovesStaleFolders(t *testing.T) {
	tmp := t.TempDir()
	t.Setenv("TMPDIR", tmp)
	dead := exec.Command("true")
	if err := dead.Run(); err != nil {
		t.Skipf("cannot run true: %v", err)
	}
	folders := map[string]string{ // name -> pid file content ("" for none)
		"popterm-demo-dead":  strconv.Itoa(dead.Process.Pid),
		"popterm-demo-live":  strconv.Itoa(os.Getppid()),
		"popterm-demo-nopid": "",
		"other-dead":         strconv.Itoa(dead.Process.Pid),
	}
	for name, pid := range folders {
		dir := filepath.Join(tmp, name)
		if err := os.Mkdir(dir, 0o700); err != nil {
			t.Fatal(err)
		}
		if pid != "" {
			os.WriteFile(filepath.Join(dir, demoPIDFile), []byte(pid), 0o600)
		}
	}
	removeStaleDemos()
	for name := range folders {
		_, err := os.Stat(filepath.Join(tmp, name))
		if gone := os.IsNotExist(err); gone != (name == "popterm-demo-dead") {
			t.Errorf("%s: removed=%v", name, gone)
		}
	}
}

package main

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/popterm/popterm/cache"
	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/mailbox"
)

func TestRunUIWithoutConfigOffTerminal(t *testing.T) {
	var out, errOut bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut}
	missing := filepath.Join(t.TempDir(), "none.toml")
	code := run(context.Background(), []string{"--config", missing}, e)
	if code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
	if msg := errOut.String(); !strings.Contains(msg, "popterm account add") || strings.Count(msg, "\n") != 1 {
		t.Errorf("stderr %q should be one line pointing at account add", msg)
	}
	if out.Len() != 0 {
		t.Errorf("stdout %q", out.String())
	}
}

// runUIWithKeys runs the reader with a one-account config ending with a
// [keys] table (line 7 holds its first entry), off a terminal.
func runUIWithKeys(t *testing.T, keys string) (int, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), "config.toml")
	toml := "[[account]]\nname = \"w\"\nhost = \"127.0.0.1\"\nusername = \"u\"\n\n[keys]\n" + keys
	if err := os.WriteFile(path, []byte(toml), 0o600); err != nil {
		t.Fatal(err)
	}
	var out, errOut bytes.Buffer
	e := &env{stdin: strings.NewReader(""), stdout: &out, stderr: &errOut}
	code := run(context.Background(), []string{"--config", path}, e)
	return code, errOut.String()
}

// TestRunUIRefusesUnknownKeyAction: a typo in [keys] is a one-line error
// with file:line before the reader starts, not a status-bar surprise.
func TestRunUIRefusesUnknownKeyAction(t *testing.T) {
	code, msg := runUIWithKeys(t, "qiut = [\"Q\"]\n")
	if code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
	if !strings.Contains(msg, "config.toml:7:") || !strings.Contains(msg, `did you mean "quit"?`) || strings.Count(msg, "\n") != 1 {
		t.Errorf("stderr %q should be one line with file:line and a suggestion", msg)
	}
}

// TestRunUIRefusesConflictingKeys: quit = ["j"] would make j quit instead
// of moving down; it is refused with file:line naming both actions.
func TestRunUIRefusesConflictingKeys(t *testing.T) {
	code, msg := runUIWithKeys(t, "quit = [\"j\"]\n")
	if code != exitUsage {
		t.Errorf("exit %d, want %d", code, exitUsage)
	}
	for _, want := range []string{"config.toml:7:", "quit", "down", `"j"`} {
		if !strings.Contains(msg, want) {
			t.Errorf("stderr %q lacks %q", msg, want)
		}
	}
	if strings.Count(msg, "\n") != 1 {
		t.Errorf("stderr %q is not one line", msg)
	}
}

// readerEnv is a config with one account whose store is in a temporary
// folder, and an in-memory keyring.
func readerEnv(t *testing.T) (*reader, *config.Account) {
	t.Helper()
	dir := t.TempDir()
	cfg := config.New(filepath.Join(dir, "config.toml"))
	a := config.NewAccount("work")
	a.Host, a.Username, a.StoreDir = "127.0.0.1", "alice", filepath.Join(dir, "store")
	cfg.Accounts = append(cfg.Accounts, a)
	cfg.DefaultAccount = "work"
	e := &env{stdin: strings.NewReader(""), stdout: &bytes.Buffer{}, stderr: &bytes.Buffer{}, keyring: config.NewMemStore()}
	return &reader{e: e, cfg: cfg, typed: map[string]string{}}, &cfg.Accounts[0]
}

func TestReaderOpensLockedStoreReadOnly(t *testing.T) {
	r, acct := readerEnv(t)
	first, err := r.open("work")
	if err != nil {
		t.Fatal(err)
	}
	if first.ReadOnly {
		t.Fatal("a free store opened read-only")
	}
	second, err := r.open("work") // the first still holds the lock
	if err != nil {
		t.Fatal(err)
	}
	if !second.ReadOnly || !strings.Contains(second.Notice, "read-only") {
		t.Errorf("locked store: read-only %v, notice %q", second.ReadOnly, second.Notice)
	}
	if err := second.Engine.Close(); err != nil {
		t.Error(err)
	}
	if err := first.Engine.Close(); err != nil {
		t.Error(err)
	}
	// Closing the engine released the store's lock.
	st, err := cache.Open(acct.StoreDir, cache.Options{})
	if err != nil {
		t.Fatalf("store still locked after Close: %v", err)
	}
	st.Close()
	if _, err := r.open("nosuch"); err == nil || strings.Contains(err.Error(), "popterm:") {
		t.Errorf("unknown account: %v", err)
	}
	if out := r.e.stderr.(*bytes.Buffer).String(); out != "" {
		t.Errorf("open printed on stderr (the reader owns the terminal): %q", out)
	}
}

func TestReaderPasswords(t *testing.T) {
	r, acct := readerEnv(t)
	r.creds = mailbox.Credentials{Password: func(context.Context) (string, error) { return "from-demo", nil }}
	a, err := r.open("work")
	if err != nil {
		t.Fatal(err)
	}
	defer a.Engine.Close()
	ctx := context.Background()
	creds := r.credentials(acct)
	if pw, _ := creds.Password(ctx); pw != "from-demo" {
		t.Errorf("first account's password %q, want the caller's", pw)
	}
	if err := r.setPassword("work", "typed", false); err != nil {
		t.Fatal(err)
	}
	if pw, _ := creds.Password(ctx); pw != "typed" {
		t.Errorf("password %q after typing one", pw)
	}
	if _, err := r.e.keyring.Get(acct.PasswordKey()); err == nil {
		t.Error("a password not meant to be kept reached the keyring")
	}
	if err := r.setPassword("work", "kept", true); err != nil {
		t.Fatal(err)
	}
	if pw, err := r.e.keyring.Get(acct.PasswordKey()); err != nil || pw != "kept" {
		t.Errorf("keyring holds %q, %v", pw, err)
	}
}

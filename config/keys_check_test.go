package config

import (
	"strings"
	"testing"
)

func TestCheckKeyActions(t *testing.T) {
	doc := "[keys]\ndown = [\"j\"]\n\nqiut = [\"Q\"]\n"
	cfg, err := Parse("/home/u/.config/popterm/config.toml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	actions := []string{"down", "up", "quit"}
	err = cfg.CheckKeyActions(actions)
	if err == nil {
		t.Fatal("an unknown action was accepted")
	}
	for _, want := range []string{"config.toml:4:", "[keys]", "qiut", `did you mean "quit"?`} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	if strings.Contains(err.Error(), "\n") {
		t.Errorf("error is not one line: %q", err)
	}
	delete(cfg.Keys, "qiut")
	if err := cfg.CheckKeyActions(actions); err != nil {
		t.Errorf("known actions refused: %v", err)
	}
}

func TestKeyConflictErrorNamesLineAndBothActions(t *testing.T) {
	doc := "[keys]\ndown = [\"n\"]\n\nquit = [\"n\"]\n"
	cfg, err := Parse("/home/u/.config/popterm/config.toml", []byte(doc))
	if err != nil {
		t.Fatal(err)
	}
	err = cfg.KeyConflictError("n", "index", "down", "quit")
	for _, want := range []string{"config.toml:4:", "[keys]", "quit", "down", `"n"`, "index screen"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q lacks %q", err, want)
		}
	}
	// Only one side in the file: that side's line.
	cfg, _ = Parse("c.toml", []byte("# keys\n[keys]\nquit = [\"j\"]\n"))
	if err := cfg.KeyConflictError("j", "index", "down", "quit"); !strings.Contains(err.Error(), "c.toml:3:") {
		t.Errorf("error %q does not point at line 3", err)
	}
}

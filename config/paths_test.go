package config

import (
	"os"
	"path/filepath"
	"testing"
)

func TestDownloadDir(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, "cfg"))
	t.Setenv("XDG_DOWNLOAD_DIR", "/data/dl")
	if got := DownloadDir(); got != "/data/dl" {
		t.Errorf("with XDG_DOWNLOAD_DIR: %q", got)
	}
	t.Setenv("XDG_DOWNLOAD_DIR", "")
	if got := DownloadDir(); got != filepath.Join(home, "Downloads") {
		t.Errorf("default: %q", got)
	}
	os.MkdirAll(filepath.Join(home, "cfg"), 0o700)
	os.WriteFile(filepath.Join(home, "cfg", "user-dirs.dirs"), []byte("# x\nXDG_DOWNLOAD_DIR=\"$HOME/Téléchargements\"\n"), 0o600)
	if got := DownloadDir(); got != filepath.Join(home, "Téléchargements") {
		t.Errorf("user-dirs.dirs: %q", got)
	}
}

func TestExpandHome(t *testing.T) {
	home := t.TempDir()
	t.Setenv("HOME", home)
	for in, want := range map[string]string{
		"~":           home,
		"~/mail":      filepath.Join(home, "mail"),
		"$HOME/x":     filepath.Join(home, "x"),
		"${HOME}":     home,
		"~other/x":    "~other/x",
		"/abs/~/x":    "/abs/~/x",
		"rel/path":    "rel/path",
		"$HOMEWORK/x": "$HOMEWORK/x",
	} {
		if got := ExpandHome(in); got != want {
			t.Errorf("ExpandHome(%q) = %q, want %q", in, got, want)
		}
	}
	if got := (UI{DownloadDir: "~/dl"}).DownloadFolder(); got != filepath.Join(home, "dl") {
		t.Errorf("DownloadFolder with download_dir: %q", got)
	}
	t.Setenv("XDG_DOWNLOAD_DIR", "")
	t.Setenv("XDG_CONFIG_HOME", filepath.Join(home, "none"))
	if got := (UI{}).DownloadFolder(); got != filepath.Join(home, "Downloads") {
		t.Errorf("DownloadFolder default: %q", got)
	}
}

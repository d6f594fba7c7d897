package config

import (
	"bufio"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"strings"
)

// AppName is the folder name under the XDG directories and the keyring service.
const AppName = "popterm"

// ConfigDir returns $XDG_CONFIG_HOME/popterm (default ~/.config/popterm).
func ConfigDir() (string, error) {
	base, err := xdgDir("XDG_CONFIG_HOME", ".config")
	if err != nil {
		return "", err
	}
	return filepath.Join(base, AppName), nil
}

// DataDir returns $XDG_DATA_HOME/popterm (default ~/.local/share/popterm).
func DataDir() (string, error) {
	base, err := xdgDir("XDG_DATA_HOME", filepath.Join(".local", "share"))
	if err != nil {
		return "", err
	}
	return filepath.Join(base, AppName), nil
}

// DefaultPath returns $XDG_CONFIG_HOME/popterm/config.toml.
func DefaultPath() (string, error) {
	dir, err := ConfigDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "config.toml"), nil
}

// DefaultStoreDir returns $XDG_DATA_HOME/popterm/<name>.
func DefaultStoreDir(name string) (string, error) {
	if err := ValidName(name); err != nil {
		return "", err
	}
	dir, err := DataDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, name), nil
}

// xdgDir returns the XDG variable when it holds an absolute path (the spec
// says relative values are invalid and must be ignored), else ~/fallback.
func xdgDir(env, fallback string) (string, error) {
	if v := os.Getenv(env); v != "" && filepath.IsAbs(v) {
		return v, nil
	}
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return "", fmt.Errorf("cannot find the home folder to locate $%s: set %s or HOME", env, env)
	}
	return filepath.Join(home, fallback), nil
}

// defaultOpenCmd is the platform's "open with the default application".
func defaultOpenCmd() string {
	switch runtime.GOOS {
	case "darwin":
		return "open"
	case "windows":
		return "explorer"
	default:
		return "xdg-open"
	}
}

// DefaultUI returns the [ui] settings used when the table or a key is absent.
func DefaultUI() UI {
	return UI{
		OpenCmd:       defaultOpenCmd(),
		ConfirmCommit: true,
		SessionIdle:   DefaultSessionIdle,
		Bell:          true,
	}
}

// ExpandHome replaces a leading "~", "$HOME" or "${HOME}" (alone or before
// a slash) with the home folder. Any other path, and every path when there
// is no home folder, comes back unchanged. It is popterm's one "~"
// expander: config paths, the save prompt, command-line paths and the
// desktop's download folder setting.
func ExpandHome(p string) string {
	home, err := os.UserHomeDir()
	if err != nil || home == "" {
		return p
	}
	return expandHomeIn(p, home)
}

// expandHomeIn is ExpandHome with the home folder given.
func expandHomeIn(p, home string) string {
	for _, prefix := range []string{"$HOME", "${HOME}", "~"} {
		if p == prefix || strings.HasPrefix(p, prefix+"/") {
			return filepath.Join(home, p[len(prefix):])
		}
	}
	return p
}

// homeRelative reports whether p starts with "~" (alone or before a slash).
func homeRelative(p string) bool { return p == "~" || strings.HasPrefix(p, "~/") }

// expandPath turns "~/x" into the home folder's x and makes a relative path
// relative to base (the config file's folder).
func expandPath(p, base string) (string, error) {
	if p == "" {
		return "", nil
	}
	if q := ExpandHome(p); q != p {
		p = q
	} else if homeRelative(p) {
		return "", errors.New("cannot expand ~: no home folder")
	}
	if !filepath.IsAbs(p) && base != "" {
		p = filepath.Join(base, p)
	}
	return filepath.Clean(p), nil
}

// DownloadDir is the desktop's download folder: $XDG_DOWNLOAD_DIR, else the
// XDG_DOWNLOAD_DIR line of $XDG_CONFIG_HOME/user-dirs.dirs (the file
// xdg-user-dirs maintains), else ~/Downloads. The folder may not exist:
// creating it (mode 0700) is the caller's job, so that a mistyped setting
// does not silently create folders.
func DownloadDir() string {
	home, _ := os.UserHomeDir()
	if d := os.Getenv("XDG_DOWNLOAD_DIR"); d != "" {
		if home == "" {
			return d
		}
		return expandHomeIn(d, home)
	}
	if d := userDirsDownload(home); d != "" {
		return d
	}
	if home == "" {
		return "."
	}
	return filepath.Join(home, "Downloads")
}

// userDirsDownload reads XDG_DOWNLOAD_DIR from user-dirs.dirs, or "".
func userDirsDownload(home string) string {
	cfg := os.Getenv("XDG_CONFIG_HOME")
	if cfg == "" {
		if home == "" {
			return ""
		}
		cfg = filepath.Join(home, ".config")
	}
	f, err := os.Open(filepath.Join(cfg, "user-dirs.dirs"))
	if err != nil {
		return ""
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		v, ok := strings.CutPrefix(line, "XDG_DOWNLOAD_DIR=")
		if !ok || home == "" {
			continue
		}
		d := expandHomeIn(strings.Trim(v, `"`), home)
		if !filepath.IsAbs(d) || filepath.Clean(d) == filepath.Clean(home) {
			return "" // xdg-user-dirs sets $HOME/ to mean "disabled"
		}
		return d
	}
	return ""
}

// DownloadFolder is where attachments are saved: download_dir when set
// (with "~" expanded), else the desktop's download folder (DownloadDir).
func (u UI) DownloadFolder() string {
	if u.DownloadDir != "" {
		return ExpandHome(u.DownloadDir)
	}
	return DownloadDir()
}

package config

import (
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
	}
}

// expandPath turns "~/x" into the home folder's x and makes a relative path
// relative to base (the config file's folder).
func expandPath(p, base string) (string, error) {
	if p == "" {
		return "", nil
	}
	if p == "~" || strings.HasPrefix(p, "~/") {
		home, err := os.UserHomeDir()
		if err != nil {
			return "", errors.New("cannot expand ~: no home folder")
		}
		p = filepath.Join(home, strings.TrimPrefix(p, "~"))
	}
	if !filepath.IsAbs(p) && base != "" {
		p = filepath.Join(base, p)
	}
	return filepath.Clean(p), nil
}

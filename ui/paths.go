package ui

import (
	"os"
	"path/filepath"
	"strings"
)

// expandHome turns a leading ~/ into the home folder and cleans the path.
func expandHome(p string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(home, rest)
		}
	}
	return filepath.Clean(p)
}

package ui

import (
	"os"
	"path/filepath"
	"strings"
)

// folderPath is dir with a trailing separator, the way the save prompt
// shows a folder.
func folderPath(dir string) string {
	if dir == "" || strings.HasSuffix(dir, string(filepath.Separator)) {
		return dir
	}
	return dir + string(filepath.Separator)
}

// expandHome turns a leading ~/ into the home folder and cleans the path.
func expandHome(p string) string {
	if rest, ok := strings.CutPrefix(p, "~/"); ok {
		if home, err := os.UserHomeDir(); err == nil {
			p = filepath.Join(home, rest)
		}
	}
	return filepath.Clean(p)
}

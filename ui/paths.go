package ui

import (
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

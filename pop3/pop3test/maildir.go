package pop3test

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// ReadMaildir reads the messages of a Maildir folder (its new/ and cur/
// subfolders) for NewMaildrop, in the order of their file names, which
// begin with the delivery time. Each UID is the file name's unique part,
// without the ":2,flags" suffix, so it stays the same when flags change.
// The folder is read once: the server keeps the messages in memory and
// never writes to it.
func ReadMaildir(dir string) ([]Message, error) {
	type file struct{ name, path string }
	var files []file
	for _, sub := range []string{"new", "cur"} {
		entries, err := os.ReadDir(filepath.Join(dir, sub))
		if err != nil {
			return nil, fmt.Errorf("pop3test: read Maildir %s: %w", dir, err)
		}
		for _, e := range entries {
			if e.Type().IsRegular() && !strings.HasPrefix(e.Name(), ".") {
				files = append(files, file{e.Name(), filepath.Join(dir, sub, e.Name())})
			}
		}
	}
	sort.Slice(files, func(i, j int) bool { return files[i].name < files[j].name })
	msgs := make([]Message, 0, len(files))
	for _, f := range files {
		data, err := os.ReadFile(f.path)
		if err != nil {
			return nil, fmt.Errorf("pop3test: read Maildir message: %w", err)
		}
		uid, _, _ := strings.Cut(f.name, ":")
		msgs = append(msgs, Message{UID: uid, Data: data})
	}
	return msgs, nil
}

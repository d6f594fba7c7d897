package message

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"
)

// maxFilenameBytes bounds a saved file name; most file systems allow 255.
const maxFilenameBytes = 200

// maxExtBytes is the longest tail that SafeFilename keeps as an extension
// when it has to shorten a name.
const maxExtBytes = 16

// SafeFilename reduces a name to a safe base name: sanitized, only the part
// after the last "/" or "\", without control or bidi characters, without the
// characters Windows forbids (replaced by "_"), without leading dots or
// spaces, never "." or "..", and at most 200 bytes (the extension is kept
// when the name is shortened). It returns "attachment" when nothing is left.
func SafeFilename(name string) string {
	return safeFilename(name, "attachment")
}

// safeFilename is SafeFilename with a chosen fallback name.
func safeFilename(name, fallback string) string {
	name = SanitizeLine(name)
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		name = name[i+1:]
	}
	name = strings.Map(func(r rune) rune {
		switch {
		case strings.ContainsRune(`:*?"<>|`, r):
			return '_'
		case r == utf8.RuneError, unicode.IsControl(r):
			return '_'
		case r == 0x200e || r == 0x200f || r == 0x061c: // direction marks
			return -1
		}
		return r
	}, name)
	name = strings.TrimLeft(name, ". ")
	name = strings.TrimRight(name, ". ")
	if len(name) > maxFilenameBytes {
		name = shortenName(name)
	}
	if name == "" {
		return fallback
	}
	if reservedWindowsName(name) {
		name = "_" + name
	}
	return name
}

// shortenName cuts name to maxFilenameBytes on a rune boundary, keeping a
// short extension.
func shortenName(name string) string {
	ext := filepath.Ext(name)
	if len(ext) > maxExtBytes || len(ext) == len(name) {
		ext = ""
	}
	stem := truncateBytes(name[:len(name)-len(ext)], maxFilenameBytes-len(ext))
	return strings.TrimRight(stem, ". ") + ext
}

// truncateBytes cuts s to at most n bytes without splitting a rune.
func truncateBytes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// reservedWindowsName reports device names Windows will not create files
// under (CON, NUL, COM1...), with or without an extension.
func reservedWindowsName(name string) bool {
	stem := strings.ToUpper(name)
	if i := strings.IndexByte(stem, '.'); i >= 0 {
		stem = stem[:i]
	}
	switch stem {
	case "CON", "PRN", "AUX", "NUL":
		return true
	}
	if len(stem) == 4 && (strings.HasPrefix(stem, "COM") || strings.HasPrefix(stem, "LPT")) &&
		stem[3] >= '1' && stem[3] <= '9' {
		return true
	}
	return false
}

// maxNameTries bounds the numbered names createUnique tries.
const maxNameTries = 1000

// createUnique creates dir/name for writing with mode 0600, never replacing an
// existing file: when the name is taken it tries "stem (1).ext", "stem (2).ext"
// and so on.
func createUnique(dir, name string) (*os.File, string, error) {
	ext := filepath.Ext(name)
	if len(ext) > maxExtBytes || ext == name {
		ext = ""
	}
	stem := name[:len(name)-len(ext)]
	for i := 0; i < maxNameTries; i++ {
		candidate := name
		if i > 0 {
			suffix := fmt.Sprintf(" (%d)", i)
			candidate = truncateBytes(stem, maxFilenameBytes-len(ext)-len(suffix)) + suffix + ext
		}
		path := filepath.Join(dir, candidate)
		f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err == nil {
			return f, path, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return nil, "", fmt.Errorf("create %s: %w", path, err)
		}
	}
	return nil, "", fmt.Errorf("save %q in %s: %d files with that name already exist; pick another folder", name, dir, maxNameTries)
}

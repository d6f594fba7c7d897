package config

import (
	"errors"
	"fmt"
	"strings"
	"unicode"

	"github.com/pelletier/go-toml/v2"
	"github.com/pelletier/go-toml/v2/unstable"
)

// Error is a problem in the config file: one line naming the file, the line,
// the key and what was expected.
type Error struct {
	File    string // the config file
	Line    int    // 1-based; 0 when unknown
	Context string // e.g. `account "work"` or "[ui]"; may be ""
	Key     string // the key at fault; may be ""
	Msg     string // what is wrong and what was expected
	// More counts further problems not shown.
	More int
}

// Error formats file:line: context: key: message.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString(e.File)
	if e.Line > 0 {
		fmt.Fprintf(&b, ":%d", e.Line)
	}
	b.WriteString(": ")
	if e.Context != "" {
		b.WriteString(e.Context + ": ")
	}
	if e.Key != "" {
		b.WriteString(e.Key + ": ")
	}
	b.WriteString(e.Msg)
	if e.More == 1 {
		b.WriteString(" (and 1 more problem)")
	} else if e.More > 1 {
		fmt.Fprintf(&b, " (and %d more problems)", e.More)
	}
	// Keys and values come from the file: keep the message on one line and
	// free of terminal controls.
	return strings.Map(func(r rune) rune {
		if unicode.IsControl(r) {
			return '?'
		}
		return r
	}, b.String())
}

// fieldErr is a problem with one key, before its position is known.
type fieldErr struct {
	key string
	msg string
}

func fieldf(key, format string, args ...any) fieldErr {
	return fieldErr{key: key, msg: fmt.Sprintf(format, args...)}
}

// lineIndex maps key paths to the line they are written on. Paths are
// dotted; the n-th [[account]] table (from 0) is "account.n", so its timeout
// is "account.n.timeout".
type lineIndex map[string]int

// indexLines parses doc (already known to be valid TOML) and records the
// line of every table header and key.
func indexLines(doc []byte) lineIndex {
	idx := lineIndex{}
	counts := map[string]int{}
	prefix := ""
	var p unstable.Parser
	p.Reset(doc)
	for p.NextExpression() {
		e := p.Expression()
		parts, line := keyOf(&p, e)
		name := strings.Join(parts, ".")
		switch e.Kind {
		case unstable.Table:
			name = inArrayTable(name, counts)
			prefix = name
		case unstable.ArrayTable:
			prefix = fmt.Sprintf("%s.%d", name, counts[name])
			counts[name]++
		case unstable.KeyValue:
			if prefix != "" {
				name = prefix + "." + name
			}
		default:
			continue
		}
		if _, seen := idx[name]; !seen {
			idx[name] = line
		}
	}
	return idx
}

// inArrayTable names a sub-table of an array table's last element the way
// paths do: "account.smtp" after the second [[account]] is "account.1.smtp".
func inArrayTable(name string, counts map[string]int) string {
	for array, n := range counts {
		if rest, ok := strings.CutPrefix(name, array+"."); ok && n > 0 {
			return fmt.Sprintf("%s.%d.%s", array, n-1, rest)
		}
	}
	return name
}

// keyOf returns the parts of an expression's key and the line it starts on.
func keyOf(p *unstable.Parser, e *unstable.Node) ([]string, int) {
	var parts []string
	line := 0
	it := e.Key()
	for it.Next() {
		n := it.Node()
		if line == 0 {
			line = p.Shape(n.Raw).Start.Line
		}
		parts = append(parts, string(n.Data))
	}
	return parts, line
}

// line returns the line of path, else of its closest enclosing table.
func (idx lineIndex) line(path string) int {
	for {
		if n, ok := idx[path]; ok {
			return n
		}
		i := strings.LastIndexByte(path, '.')
		if i < 0 {
			return 0
		}
		path = path[:i]
	}
}

// decodeError turns go-toml's errors into one-line *Error values.
func decodeError(file string, err error) error {
	var strict *toml.StrictMissingError
	if errors.As(err, &strict) && len(strict.Errors) > 0 {
		first := unknownKeyError(file, &strict.Errors[0])
		first.More = len(strict.Errors) - 1
		return first
	}
	var de *toml.DecodeError
	if errors.As(err, &de) {
		row, col := de.Position()
		path := []string(de.Key())
		msg := strings.TrimPrefix(de.Error(), "toml: ")
		e := &Error{File: file, Line: row}
		if len(path) == 0 {
			e.Msg = fmt.Sprintf("column %d: %s", col, msg)
			return e
		}
		e.Context, e.Key = contextOf(path)
		if want := expectation(path); want != "" && strings.HasPrefix(msg, "cannot decode") {
			e.Msg = "expected " + want + ", got " + tomlKind(msg)
		} else {
			e.Msg = msg
		}
		return e
	}
	return fmt.Errorf("%s: %w", file, err)
}

// unknownKeyError explains an unknown key or table, with a suggestion.
func unknownKeyError(file string, de *toml.DecodeError) *Error {
	row, _ := de.Position()
	path := []string(de.Key())
	e := &Error{File: file, Line: row}
	if len(path) == 0 {
		e.Msg = "unknown key"
		return e
	}
	known, where := keysIn(path)
	name := path[len(path)-1]
	e.Key = name
	e.Msg = "unknown key " + where
	s := suggest(name, keyNames(known))
	switch {
	case known == nil:
		e.Msg += " (this table takes no keys here)"
	case path[0] == "account" && (name == "password" || name == "pass"):
		// Before any suggestion: "password_cmd" is not what they meant.
		e.Msg += ": passwords never go in the config file; store it in the OS keyring with `popterm account passwd NAME`, or set password_cmd"
	case s != "":
		e.Msg += fmt.Sprintf("; did you mean %q?", s)
	default:
		e.Msg += " (known keys: " + strings.Join(keyNames(known), ", ") + ")"
	}
	return e
}

// contextOf splits a key path into its table and its key for messages.
func contextOf(path []string) (context, key string) {
	key = path[len(path)-1]
	switch {
	case len(path) == 1:
		return "", key
	case path[0] == "account":
		return "[[account]]", strings.Join(path[1:], ".")
	default:
		return "[" + strings.Join(path[:len(path)-1], ".") + "]", key
	}
}

// tomlKind extracts "a TOML integer" from go-toml's "cannot decode TOML
// integer into ..." message.
func tomlKind(msg string) string {
	rest, ok := strings.CutPrefix(msg, "cannot decode TOML ")
	if !ok {
		return "another type"
	}
	kind, _, _ := strings.Cut(rest, " ")
	switch kind {
	case "integer":
		return "a number"
	case "array":
		return "a list"
	case "inline":
		return "a table"
	}
	return "a " + kind
}

package pattern

import (
	"errors"
	"testing"
	"time"
	"unicode/utf8"
)

// Any input parses or gives an *Error whose column lies inside it (or just
// after it); a parsed pattern matches without panicking.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"~f alice", "~N | ~F", "!(~d <7d ~z >1M)", `~s "a b"`, "~d 2026-01-01..2026-02-01",
		"~x", "((", "|", "~z 1K..", "word ~b body", "~d >2026-01-14", "회의 ~A ~T ~D"} {
		f.Add(s)
	}
	now := time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)
	f.Fuzz(func(t *testing.T, src string) {
		p, err := Parse(src, now)
		if err != nil {
			var pe *Error
			if !errors.As(err, &pe) {
				t.Fatalf("%q: error %T %v", src, err, err)
			}
			if pe.Column < 1 || pe.Column > utf8.RuneCountInString(src)+1 {
				t.Fatalf("%q: column %d outside the input", src, pe.Column)
			}
			return
		}
		fields := Fields{From: src, Subject: src, Date: now, Size: 100, New: true}
		p.Match(&fields, func(string) bool { return true })
		p.Searches()
	})
}

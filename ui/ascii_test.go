package ui

import (
	"strings"
	"testing"

	"github.com/charmbracelet/x/ansi"
)

func TestLocaleIsUTF8(t *testing.T) {
	for _, tt := range []struct {
		env  map[string]string
		utf8 bool
	}{
		{map[string]string{}, true},
		{map[string]string{"LANG": "C.UTF-8"}, true},
		{map[string]string{"LANG": "en_US.utf8"}, true},
		{map[string]string{"LANG": "C"}, false},
		{map[string]string{"LANG": "POSIX"}, false},
		{map[string]string{"LANG": "de_DE.ISO-8859-1"}, false},
		{map[string]string{"LANG": "en_US.UTF-8", "LC_ALL": "C"}, false},
		{map[string]string{"LANG": "C", "LC_CTYPE": "en_US.UTF-8"}, true},
	} {
		if got := LocaleIsUTF8(func(k string) string { return tt.env[k] }); got != tt.utf8 {
			t.Errorf("%v: LocaleIsUTF8 = %v", tt.env, got)
		}
	}
}

func TestToASCIIKeepsColumns(t *testing.T) {
	in := "\x1b[7m D+A 12:00 김철수 ─── Lunch… ↳ re · █░ “q” ✓\x1b[m"
	out := ToASCII(in)
	for _, r := range out {
		if r >= 0x80 {
			t.Fatalf("non-ASCII %q left in %q", r, out)
		}
	}
	if ansi.StringWidth(out) != ansi.StringWidth(in) {
		t.Errorf("width %d, was %d: %q", ansi.StringWidth(out), ansi.StringWidth(in), out)
	}
	for _, want := range []string{"\x1b[7m", "??????", "---", "Lunch~", "> re | #.", `"q"`, "+"} {
		if !strings.Contains(out, want) {
			t.Errorf("%q lacks %q", out, want)
		}
	}
}

// TestASCIIReader: with Options.ASCII the whole frame is ASCII.
func TestASCIIReader(t *testing.T) {
	h := newHarness(t, newFake(), func(o *Options) { o.ASCII = true })
	h.keys("?")
	for _, s := range []string{h.screen(), h.m.View().Content} {
		for _, r := range s {
			if r >= 0x80 {
				t.Fatalf("non-ASCII %q in the frame:\n%s", r, s)
			}
		}
	}
}

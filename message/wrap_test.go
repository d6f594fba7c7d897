package message

import (
	"testing"

	"github.com/charmbracelet/x/ansi"
)

// TestRuneWidthMatchesAnsi checks the fast width table against
// charmbracelet/x/ansi for every rune it claims to know.
func TestRuneWidthMatchesAnsi(t *testing.T) {
	for r := rune(0x80); r < 0x10000; r++ {
		w := runeWidth(r)
		if w < 0 {
			continue
		}
		if aw := ansi.StringWidth(string(r)); aw != w {
			t.Errorf("runeWidth(%U) = %d, ansi says %d", r, w, aw)
		}
	}
	for _, s := range []string{"한국어 text", "日本語のテキスト", "Grüße — “quoted”", "👨‍👩‍👧 family", "e\u0301", "ｶﾀｶﾅ"} {
		if got, want := textWidth(s), ansi.StringWidth(s); got != want {
			t.Errorf("textWidth(%q) = %d, ansi says %d", s, got, want)
		}
	}
}

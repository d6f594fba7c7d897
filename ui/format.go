package ui

import (
	"fmt"
	"strings"
	"time"

	"github.com/charmbracelet/x/ansi"

	"github.com/popterm/popterm/message"
)

// fit truncates s to exactly w terminal cells (with "…" when cut) and pads
// it with spaces, measuring wide characters and styled text correctly.
func fit(s string, w int) string {
	if w <= 0 {
		return ""
	}
	width := 0
	if isPlainASCII(s) { // the common case, without grapheme segmentation
		if len(s) > w {
			s, width = s[:w-1]+"…", w
		} else {
			width = len(s)
		}
	} else {
		if ansi.StringWidth(s) > w {
			s = ansi.Truncate(s, w, "…")
		}
		width = ansi.StringWidth(s)
	}
	if pad := w - width; pad > 0 {
		s += strings.Repeat(" ", pad)
	}
	return s
}

// isPlainASCII reports whether s is printable ASCII only: one cell a byte.
func isPlainASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 0x20 || s[i] >= 0x7f {
			return false
		}
	}
	return true
}

// formatDate shows a date by its age: the time today, day and month this
// year, the full date before. layout, when set (ui.date_format), is used
// for the older dates.
func formatDate(t, now time.Time, loc *time.Location, layout string) string {
	if t.IsZero() {
		return ""
	}
	t, now = t.In(loc), now.In(loc)
	switch {
	case t.Year() == now.Year() && t.YearDay() == now.YearDay():
		return t.Format("15:04")
	case t.Year() == now.Year() && t.Before(now.Add(24*time.Hour)):
		return t.Format("Jan 02")
	case layout != "":
		return t.Format(layout)
	default:
		return t.Format("2006-01-02")
	}
}

// formatSize shows a byte count as every popterm command does.
func formatSize(n int64) string { return message.FormatSize(n) }

// plural writes "1 message" or "3 messages".
func plural(n int, word string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s", word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}

// marksStayPending says that n marks stay pending, the verb agreeing:
// "the mark stays pending", "the 3 marks stay pending".
func marksStayPending(n int) string {
	if n == 1 {
		return "the mark stays pending"
	}
	return fmt.Sprintf("the %d marks stay pending", n)
}

// clauseText is engine text (a warning) sanitized and without the final
// punctuation, to be joined into a sentence: "deleted. 1 skipped." rather
// than "deleted. 1 skipped..".
func clauseText(s string) string {
	return strings.TrimRight(message.SanitizeLine(s), ".;:, ")
}

// sentence turns an error into a readable sentence for the status bar.
func sentence(what string, err error) string {
	msg := message.SanitizeLine(err.Error())
	if what == "" {
		if msg != "" && msg[0] >= 'a' && msg[0] <= 'z' {
			msg = strings.ToUpper(msg[:1]) + msg[1:] // it starts the sentence
		}
		return strings.TrimSuffix(msg, ".") + "."
	}
	return what + ": " + strings.TrimSuffix(msg, ".") + "."
}

// stringWidth is the number of terminal cells s takes.
func stringWidth(s string) int { return ansi.StringWidth(s) }

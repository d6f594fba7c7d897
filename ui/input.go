package ui

import (
	"strings"
	"unicode"
	"unicode/utf8"

	tea "charm.land/bubbletea/v2"
)

// lineInput is a one-line text field: typing, paste, Backspace, Ctrl-U,
// Ctrl-W, Left/Right, Home/End. masked shows a dot per character.
type lineInput struct {
	value  []rune
	pos    int
	masked bool
	limit  int
}

func newLineInput(value string, masked bool) lineInput {
	v := []rune(value)
	return lineInput{value: v, pos: len(v), masked: masked, limit: 4096}
}

// Value is the text.
func (l lineInput) Value() string { return string(l.value) }

// insert adds printable text at the cursor (controls and line breaks are
// dropped, so a paste cannot smuggle them in).
func (l *lineInput) insert(s string) {
	var add []rune
	for _, r := range s {
		if unicode.IsPrint(r) || r == ' ' {
			add = append(add, r)
		}
	}
	if len(l.value)+len(add) > l.limit {
		add = add[:max(l.limit-len(l.value), 0)]
	}
	l.value = append(l.value[:l.pos], append(add, l.value[l.pos:]...)...)
	l.pos += len(add)
}

// Update edits the text.
func (l lineInput) Update(msg tea.Msg) lineInput {
	switch msg := msg.(type) {
	case tea.PasteMsg:
		l.insert(msg.Content)
	case tea.KeyPressMsg:
		switch msg.String() {
		case "backspace", "ctrl+h":
			if l.pos > 0 {
				l.value = append(l.value[:l.pos-1], l.value[l.pos:]...)
				l.pos--
			}
		case "delete", "ctrl+d":
			if l.pos < len(l.value) {
				l.value = append(l.value[:l.pos], l.value[l.pos+1:]...)
			}
		case "left", "ctrl+b":
			l.pos = max(l.pos-1, 0)
		case "right", "ctrl+f":
			l.pos = min(l.pos+1, len(l.value))
		case "home", "ctrl+a":
			l.pos = 0
		case "end", "ctrl+e":
			l.pos = len(l.value)
		case "ctrl+u":
			l.value = append([]rune(nil), l.value[l.pos:]...)
			l.pos = 0
		case "ctrl+w":
			i := l.pos
			for i > 0 && l.value[i-1] == ' ' {
				i--
			}
			for i > 0 && l.value[i-1] != ' ' {
				i--
			}
			l.value = append(l.value[:i], l.value[l.pos:]...)
			l.pos = i
		default:
			if msg.Text != "" && msg.Mod&^tea.ModShift == 0 {
				l.insert(msg.Text)
			}
		}
	}
	return l
}

// View draws the text with a block cursor, scrolled to fit width cells.
func (l lineInput) View(width int, cursor func(string) string) string {
	shown := l.value
	if l.masked {
		shown = []rune(strings.Repeat("•", len(l.value)))
	}
	before, after := string(shown[:l.pos]), string(shown[l.pos:])
	at := " "
	if after != "" {
		r := []rune(after)
		at, after = string(r[0]), string(r[1:])
	}
	// Keep the cursor visible: drop text on the left when too long.
	for len(before) > 0 && stringWidth(before)+stringWidth(at) > width-1 {
		_, size := utf8.DecodeRuneInString(before)
		before = before[size:]
	}
	return before + cursor(at) + after
}

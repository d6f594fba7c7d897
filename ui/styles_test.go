package ui

import (
	"image/color"
	"math"
	"testing"

	"charm.land/lipgloss/v2"
)

// Every text style is readable on the background it is drawn on: a WCAG
// contrast ratio of at least 4.5 against the terminal's background (white
// for light, black for dark) or the style's own background.
func TestStylesAreReadable(t *testing.T) {
	for _, dark := range []bool{false, true} {
		s := NewStyles("", dark, false)
		termBG := color.Color(color.White)
		if dark {
			termBG = color.Black
		}
		styles := map[string]lipgloss.Style{
			"Row": s.Row, "Unseen": s.Unseen, "Dim": s.Dim, "Selected": s.Selected, "StateNew": s.StateNew,
			"StateDeleted": s.StateDeleted, "HeaderKey": s.HeaderKey, "HeaderValue": s.HeaderValue,
			"Quote1": s.Quote[0], "Quote2": s.Quote[1], "Quote3": s.Quote[2], "Note": s.Note, "LinkRef": s.LinkRef,
			"Status": s.Status, "StatusError": s.StatusError, "Online": s.Online, "Offline": s.Offline,
			"Prompt": s.Prompt, "Title": s.Title, "Help.ShortKey": s.Help.ShortKey, "Help.ShortDesc": s.Help.ShortDesc,
			"Help.FullKey": s.Help.FullKey, "Help.FullDesc": s.Help.FullDesc,
		}
		for name, st := range styles {
			bg := termBG
			if _, none := st.GetBackground().(lipgloss.NoColor); !none {
				bg = st.GetBackground()
			}
			if r := contrast(st.GetForeground(), bg); r < 4.5 {
				t.Errorf("dark=%v %s: contrast %.2f, want at least 4.5", dark, name, r)
			}
		}
	}
}

// contrast is the WCAG 2 contrast ratio of two colours.
func contrast(a, b color.Color) float64 {
	la, lb := luminance(a), luminance(b)
	return (math.Max(la, lb) + 0.05) / (math.Min(la, lb) + 0.05)
}

func luminance(c color.Color) float64 {
	r, g, b, _ := c.RGBA()
	lin := func(v uint32) float64 {
		x := float64(v) / 0xffff
		if x <= 0.03928 {
			return x / 12.92
		}
		return math.Pow((x+0.055)/1.055, 2.4)
	}
	return 0.2126*lin(r) + 0.7152*lin(g) + 0.0722*lin(b)
}

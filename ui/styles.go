package ui

import (
	"fmt"
	"image/color"

	"charm.land/bubbles/v2/help"
	"charm.land/lipgloss/v2"
)

// themes are the names the config's ui.theme accepts: "auto" (or
// "default") follows the terminal's background, "dark" and "light" force
// one, "mono" uses no colour.
var themes = []string{"auto", "default", "dark", "light", "mono"}

// Styles are the reader's semantic styles, built from a theme and the
// terminal's background.
type Styles struct {
	ColumnHeader lipgloss.Style // the index's column titles
	Row          lipgloss.Style
	Unseen       lipgloss.Style // rows of unseen messages
	Deleted      lipgloss.Style // rows marked for deletion
	Selected     lipgloss.Style // the selected row
	StateNew     lipgloss.Style
	StateDeleted lipgloss.Style
	Dim          lipgloss.Style

	HeaderKey   lipgloss.Style
	HeaderValue lipgloss.Style
	Subject     lipgloss.Style
	Rule        lipgloss.Style
	Quote       []lipgloss.Style // by quote level, cycling
	Signature   lipgloss.Style
	Note        lipgloss.Style
	LinkRef     lipgloss.Style
	Match       lipgloss.Style // find matches in the pager

	Status      lipgloss.Style // the status bar
	StatusError lipgloss.Style
	Online      lipgloss.Style
	Offline     lipgloss.Style
	Prompt      lipgloss.Style
	Cursor      lipgloss.Style // the text cursor of prompts
	Title       lipgloss.Style

	Help help.Styles
}

// checkTheme says whether a theme name is known ("" means default).
func checkTheme(theme string) error {
	if theme == "" {
		return nil
	}
	for _, t := range themes {
		if t == theme {
			return nil
		}
	}
	return fmt.Errorf("unknown theme %q (known: auto, dark, light, mono); using auto", theme)
}

// NewStyles builds the styles for a theme (see themes) on a dark or light
// background. noColor (NO_COLOR) forces "mono": bold, reverse and
// underline only.
func NewStyles(theme string, dark, noColor bool) Styles {
	switch {
	case noColor || theme == "mono":
		return monoStyles()
	case theme == "dark":
		dark = true
	case theme == "light":
		dark = false
	}
	ld := lipgloss.LightDark(dark)
	c := func(light, darkHex string) color.Color { return ld(lipgloss.Color(light), lipgloss.Color(darkHex)) }
	accent := c("#5A3FC0", "#A48CF2")
	dim := c("#767676", "#8A8A8A")
	fg := c("#1F1F1F", "#E4E4E4")
	barBG := c("#E4E0F5", "#2E2A3F")
	s := Styles{
		ColumnHeader: lipgloss.NewStyle().Foreground(dim).Bold(true),
		Row:          lipgloss.NewStyle().Foreground(fg),
		Unseen:       lipgloss.NewStyle().Foreground(fg).Bold(true),
		Deleted:      lipgloss.NewStyle().Foreground(dim).Strikethrough(true),
		Selected:     lipgloss.NewStyle().Foreground(c("#FFFFFF", "#FFFFFF")).Background(c("#6B50D8", "#5B45B8")).Bold(true),
		StateNew:     lipgloss.NewStyle().Foreground(c("#0A7A3E", "#5FD68E")).Bold(true),
		StateDeleted: lipgloss.NewStyle().Foreground(c("#C0223B", "#FF6B81")).Bold(true),
		Dim:          lipgloss.NewStyle().Foreground(dim),
		HeaderKey:    lipgloss.NewStyle().Foreground(accent).Bold(true),
		HeaderValue:  lipgloss.NewStyle().Foreground(fg),
		Subject:      lipgloss.NewStyle().Foreground(fg).Bold(true),
		Rule:         lipgloss.NewStyle().Foreground(dim),
		Quote: []lipgloss.Style{
			lipgloss.NewStyle().Foreground(c("#1B6FB5", "#6CB6FF")),
			lipgloss.NewStyle().Foreground(c("#0A7A3E", "#7BD88F")),
			lipgloss.NewStyle().Foreground(c("#9A5B00", "#E5B567")),
		},
		Signature:   lipgloss.NewStyle().Foreground(dim),
		Note:        lipgloss.NewStyle().Foreground(c("#9A5B00", "#E5B567")).Italic(true),
		LinkRef:     lipgloss.NewStyle().Foreground(c("#1B6FB5", "#6CB6FF")),
		Match:       lipgloss.NewStyle().Reverse(true),
		Status:      lipgloss.NewStyle().Foreground(fg).Background(barBG),
		StatusError: lipgloss.NewStyle().Foreground(c("#FFFFFF", "#FFFFFF")).Background(c("#C0223B", "#A3202F")).Bold(true),
		// Darker than StateNew and Note on light: they sit on the bar's tint.
		Online:  lipgloss.NewStyle().Foreground(c("#07662F", "#5FD68E")).Background(barBG),
		Offline: lipgloss.NewStyle().Foreground(c("#7A4800", "#E5B567")).Background(barBG),
		Prompt:  lipgloss.NewStyle().Foreground(accent).Bold(true),
		Cursor:  lipgloss.NewStyle().Reverse(true),
		Title:   lipgloss.NewStyle().Foreground(accent).Bold(true),
		// Not bubbles' defaults: their descriptions (#4A4A4A on dark,
		// #B2B2B2 on light) are too faint to read.
		Help: help.Styles{
			ShortKey: lipgloss.NewStyle().Foreground(fg).Bold(true), ShortDesc: lipgloss.NewStyle().Foreground(dim),
			ShortSeparator: lipgloss.NewStyle().Foreground(dim), Ellipsis: lipgloss.NewStyle().Foreground(dim),
			FullKey: lipgloss.NewStyle().Foreground(accent).Bold(true), FullDesc: lipgloss.NewStyle().Foreground(fg),
			FullSeparator: lipgloss.NewStyle().Foreground(dim),
		},
	}
	return s
}

// monoStyles use no colour at all.
func monoStyles() Styles {
	plain := lipgloss.NewStyle()
	bold := plain.Bold(true)
	return Styles{
		ColumnHeader: bold, Row: plain, Unseen: bold,
		Deleted: plain.Strikethrough(true), Selected: plain.Reverse(true),
		StateNew: bold, StateDeleted: bold, Dim: plain,
		HeaderKey: bold, HeaderValue: plain, Subject: bold, Rule: plain,
		Quote:     []lipgloss.Style{plain, plain, plain},
		Signature: plain, Note: plain.Italic(true), LinkRef: plain.Underline(true),
		Match: plain.Reverse(true), Status: plain.Reverse(true),
		StatusError: plain.Reverse(true).Bold(true), Online: plain.Reverse(true),
		Offline: plain.Reverse(true), Prompt: bold, Cursor: plain.Reverse(true), Title: bold,
		Help: help.Styles{
			ShortKey: bold, ShortDesc: plain, ShortSeparator: plain, Ellipsis: plain,
			FullKey: bold, FullDesc: plain, FullSeparator: plain,
		},
	}
}

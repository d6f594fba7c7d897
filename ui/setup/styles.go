package setup

import (
	"image/color"

	"charm.land/lipgloss/v2"
)

// Styles are the form's semantic styles.
type Styles struct {
	Title, Label, Focused, Value, Help, Note, Error, OK, Warn lipgloss.Style
}

// DefaultStyles builds the styles for a dark or light background.
func DefaultStyles(isDark bool) Styles {
	ld := lipgloss.LightDark(isDark)
	pick := func(light, dark string) color.Color { return ld(lipgloss.Color(light), lipgloss.Color(dark)) }
	accent := pick("#5A3FC0", "#A48BFF")
	return Styles{
		Title:   lipgloss.NewStyle().Bold(true).Foreground(accent).MarginBottom(1),
		Label:   lipgloss.NewStyle().Width(11).Foreground(pick("#555555", "#AAAAAA")),
		Focused: lipgloss.NewStyle().Width(11).Bold(true).Foreground(accent),
		Value:   lipgloss.NewStyle(),
		Help:    lipgloss.NewStyle().Foreground(pick("#777777", "#888888")),
		Note:    lipgloss.NewStyle().Foreground(pick("#8A6D00", "#E5C07B")),
		Error:   lipgloss.NewStyle().Foreground(pick("#B00020", "#FF6B6B")),
		OK:      lipgloss.NewStyle().Foreground(pick("#1B7F3B", "#7BD88F")),
		Warn:    lipgloss.NewStyle().Foreground(pick("#8A6D00", "#E5C07B")),
	}
}

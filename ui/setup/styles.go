package setup

import (
	"charm.land/bubbles/v2/textinput"
	"charm.land/lipgloss/v2"

	"github.com/popterm/popterm/ui"
)

// Styles are the form's semantic styles.
type Styles struct {
	Title, Label, Focused, Value, Help, Note, Error, OK, Warn lipgloss.Style
	// Input styles the text fields.
	Input textinput.Styles
}

// formStyles are the reader's styles (ui.NewStyles: the config's theme,
// the terminal's background, NO_COLOR) in the form's roles.
func formStyles(opts Options, dark bool) Styles {
	u := ui.NewStyles(opts.UI.Theme, dark, opts.NoColor)
	field := textinput.StyleState{Text: u.Row, Placeholder: u.Dim, Suggestion: u.Dim, Prompt: u.Prompt}
	return Styles{
		Input:   textinput.Styles{Focused: field, Blurred: field, Cursor: textinput.CursorStyle{Blink: true}},
		Title:   u.Title.MarginBottom(1),
		Label:   u.Dim.Width(11),
		Focused: u.Prompt.Width(11),
		Value:   u.Row,
		Help:    u.Dim,
		Note:    u.Note,
		Error:   u.StateDeleted,
		OK:      u.StateNew,
		Warn:    u.Note,
	}
}

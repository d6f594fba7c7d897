package ui

import (
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
	"github.com/charmbracelet/x/ansi"
)

// helpView draws the full help of a screen: every binding from the same
// key map that handles the keys, and a legend of the index's state column.
func helpView(styles *Styles, title string, km help.KeyMap, width, height int) string {
	var items []key.Binding
	for _, group := range km.FullHelp() {
		for _, b := range group {
			if b.Enabled() {
				items = append(items, b)
			}
		}
	}
	keyW := 0
	for _, b := range items {
		keyW = max(keyW, stringWidth(b.Help().Key))
	}
	cell := func(b key.Binding, w int) string {
		return fit(styles.Help.FullKey.Render(fit(b.Help().Key, keyW))+"  "+styles.Help.FullDesc.Render(b.Help().Desc), w)
	}
	lines := []string{styles.Title.Render(fit(" Help: "+title+" (any key closes)", width)), ""}
	colW := (width - 4) / 2
	half := (len(items) + 1) / 2
	for i := 0; i < half; i++ {
		line := "  " + cell(items[i], colW)
		if j := i + half; j < len(items) {
			line += "  " + cell(items[j], colW)
		}
		lines = append(lines, line)
	}
	lines = append(lines, "",
		"  State column: N new · D marked for deletion · + stored offline · A attachments",
		"  Marks are deleted on the server only by q (after asking) or $;",
		"  background syncs never delete. x exits keeping the marks.",
		"  Mouse: the wheel scrolls, a click selects, a double-click opens.",
		"")
	actions := "  Rebind keys in the config's [keys] table (action = [\"key\", ...]); the actions: " +
		strings.Join(Actions(), ", ") + "."
	for _, l := range strings.Split(ansi.Wrap(actions, max(width-4, 10), " ,"), "\n") {
		lines = append(lines, styles.Dim.Render("  "+strings.TrimSpace(l)))
	}
	for i, l := range lines {
		lines[i] = fit(l, width)
	}
	for len(lines) < height {
		lines = append(lines, strings.Repeat(" ", width))
	}
	return strings.Join(lines[:max(height, 0)], "\n")
}

// accountsView draws the account switcher.
func accountsView(styles *Styles, names []string, current string, sel, width, height int) string {
	lines := []string{styles.Title.Render(fit(" Accounts (Enter or 1-9 switches, Esc goes back)", width)), fit("", width)}
	for i, n := range names {
		mark := "  "
		if n == current {
			mark = "* "
		}
		num := " "
		if i < 9 {
			num = string(rune('1' + i))
		}
		row := fit("  "+num+"  "+mark+oneLine(n), width)
		if i == sel {
			row = styles.Selected.Render(row)
		}
		lines = append(lines, row)
	}
	for len(lines) < height {
		lines = append(lines, strings.Repeat(" ", width))
	}
	return strings.Join(lines[:max(height, 0)], "\n")
}

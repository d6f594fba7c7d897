package ui

import "charm.land/bubbles/v2/key"

// FormKeys are the bindings of popterm's forms (the first-run and `account
// add` setup in ui/setup): keys that never type text into a field, so that
// letters stay letters. Interrupt is the reader's own (KeyMap.Interrupt).
type FormKeys struct {
	Next, Prev key.Binding // move between fields
	Toggle     key.Binding // switch a choice field (the TLS mode)
	Submit     key.Binding // the next step
	Test       key.Binding // test the server from any field
	Back       key.Binding // the previous step, or cancel
	Save       key.Binding // save what the review shows
	Pin        key.Binding // trust the certificate shown
	Edit       key.Binding // back to the fields from a question
	Clear      key.Binding // empty the text field (the whole of it)
	Skip       key.Binding // go on without sending (the sending step)
	Keep       key.Binding // keep a submission server that was not tested
	Interrupt  key.Binding
}

// DefaultFormKeys returns the form bindings; Interrupt comes from keys (the
// reader's key map, with the config's overrides).
func DefaultFormKeys(keys KeyMap) FormKeys {
	return FormKeys{
		Next:      binding("move", "tab", "down"),
		Prev:      binding("move", "shift+tab", "up"),
		Toggle:    binding("TLS mode", "left", "right", "space"),
		Submit:    binding("continue", "enter"),
		Test:      binding("test the server", "ctrl+s"),
		Back:      binding("back", "esc"),
		Save:      binding("save (password to the OS keyring)", "enter", "y", "s"),
		Pin:       binding("pin this certificate and test again", "p", "y"),
		Edit:      binding("edit", "esc", "n", "e"),
		Clear:     binding("clear the field", "ctrl+u"),
		Skip:      binding("no sending for this account", "ctrl+n"),
		Keep:      binding("keep it untested", "ctrl+k"),
		Interrupt: keys.Interrupt,
	}
}

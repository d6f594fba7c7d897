package ui

import (
	"strings"

	tea "charm.land/bubbletea/v2"
)

// promptKind says what a prompt asks for.
type promptKind int

const (
	promptNone         promptKind = iota
	promptSearch                  // live index search
	promptFind                    // find in the pager
	promptSavePath                // where to save an attachment
	promptPassword                // the account's password (masked)
	promptKeepPassword            // store the password in the keyring? [y/N]
	promptCommitQuit              // delete N messages, then exit? [y/N]
	promptCommitSync              // delete N messages while syncing? [y/N]
	promptLimit                   // a limit pattern (l)
	promptTagPattern              // tag the messages matching a pattern (ctrl+t)
	promptSaveMessage             // where to save messages (s)
	promptPipe                    // a command to pipe a message to (|)
	promptLink                    // the number of the link to open (o)
	promptSignIn                  // the saved sign-in was refused: sign in again with a code? [y/N]
	promptAttach                  // a file to attach (a)
	promptTo                      // the To addresses (t)
	promptCc                      // the Cc addresses (c)
	promptKeepDraft               // cancel the message: keep a draft? [y/N]
)

// promptModel is the bottom-line question: a text field or a [y/N]
// confirmation. The root reads its outcome after each Update.
type promptModel struct {
	kind     promptKind
	question string // confirmations: the question; text fields: the label
	confirm  bool
	input    lineInput
	width    int

	// Outcome, set by Update.
	done      bool // Enter, or an answer to a confirmation
	cancelled bool // Esc
	yes       bool // confirmations: y
	changed   bool // text fields: the value changed (live search)
}

// confirmPrompt asks a [y/N] question.
func confirmPrompt(kind promptKind, question string, width int) promptModel {
	return promptModel{kind: kind, question: question, confirm: true, width: width}
}

// ask opens a text field with a label and an initial value.
func ask(kind promptKind, label, value string, width int) promptModel {
	return promptModel{kind: kind, question: label, input: newLineInput(value, kind == promptPassword), width: width}
}

// Active reports whether a prompt is shown.
func (p promptModel) Active() bool { return p.kind != promptNone }

// Value is the text typed so far.
func (p promptModel) Value() string { return p.input.Value() }

// SetWidth fits the prompt to the window.
func (p *promptModel) SetWidth(w int) { p.width = w }

// Update handles a key: y, n, Enter (no) and Esc for confirmations, which
// ignore other keys; editing and Enter/Esc for text fields.
func (p promptModel) Update(msg tea.Msg) (promptModel, tea.Cmd) {
	p.done, p.cancelled, p.changed = false, false, false
	k, isKey := msg.(tea.KeyPressMsg)
	if p.confirm {
		if !isKey {
			return p, nil
		}
		switch strings.ToLower(k.String()) {
		case "esc", "ctrl+g":
			p.cancelled = true
		case "y":
			p.done, p.yes = true, true
		case "n", "enter": // Enter takes the default answer, no
			p.done = true
		}
		// Any other key is a slip: the question stays.
		return p, nil
	}
	if isKey {
		switch k.String() {
		case "esc", "ctrl+g":
			p.cancelled = true
			return p, nil
		case "enter":
			p.done = true
			return p, nil
		}
	}
	before := p.input.Value()
	p.input = p.input.Update(msg)
	p.changed = p.input.Value() != before
	return p, nil
}

// View draws the prompt line.
func (p promptModel) View(styles *Styles) string {
	if p.confirm {
		return styles.Prompt.Render(fit(p.question+" [y/N] ", p.width))
	}
	label := styles.Prompt.Render(p.question)
	field := p.input.View(max(p.width-stringWidth(p.question), 1), func(s string) string { return styles.Cursor.Render(s) })
	return fit(label+field, p.width)
}

package main

import (
	"errors"
	"strings"

	"github.com/popterm/popterm/mailapi"
	"github.com/popterm/popterm/mailbox"
	"github.com/popterm/popterm/message"
	"github.com/popterm/popterm/pop3"
)

// Exit statuses and error lines: what an engine error means for the exit
// code, and the hint that says what to do about it.

// exitKinds is the one table from an engine error's kind to the exit
// status, for every command (the README's "Exit status" section shows it;
// a test keeps the two equal).
func exitKinds() map[mailapi.Kind]int {
	return map[mailapi.Kind]int{
		mailapi.KindOther:       exitFailure,
		mailapi.KindNotFound:    exitFailure,
		mailapi.KindConfig:      exitUsage,
		mailapi.KindCredentials: exitCredentials,
		mailapi.KindTryLater:    exitTryLater,
	}
}

// exitFor maps an engine error to an exit status through exitKinds.
func exitFor(err error) int {
	if code, ok := exitKinds()[mailbox.Classify(err)]; ok {
		return code
	}
	return exitFailure
}

// hint says what to do about an engine error of this kind (nothing when the
// engine's own message already says it).
func hint(err error) string {
	if mailapi.Advises(err) {
		return ""
	}
	var pe *pop3.Error
	if errors.As(err, &pe) {
		switch pe.Code {
		case pop3.CodeInUse:
			return "another mail client is using this mailbox on the server; try again when it is done"
		case pop3.CodeSysPerm:
			return "the server will not let this account in; ask the mail provider"
		}
	}
	switch mailbox.Classify(err) {
	case mailbox.KindCredentials:
		return "check the user name and the password (popterm account passwd NAME, or password_cmd)"
	case mailbox.KindTryLater:
		return "try again later"
	case mailbox.KindConfig:
		return "fix the account in the config file"
	}
	return ""
}

// failErr prints err (sanitized, with a hint) and returns its exit status.
func failErr(e *env, what string, err error) int {
	msg := message.SanitizeLine(err.Error())
	if h := hint(err); h != "" {
		msg = clause(msg, h)
	}
	return fail(e, exitFor(err), "%s: %s", what, msg)
}

// clause joins a further clause to a message with "; ", first dropping the
// punctuation the message may end with (a server's "-ERR Authentication
// failed." would otherwise read "failed.; check ...").
func clause(msg, more string) string {
	return strings.TrimRight(msg, ".;:, ") + "; " + more
}

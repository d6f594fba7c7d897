package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/mailapi"
	"github.com/popterm/popterm/mailbox"
	"github.com/popterm/popterm/message"
)

// shownHeaders are the header fields show prints, in order.
var shownHeaders = []string{"From", "To", "Cc", "Date", "Subject"}

// showUsage is show's synopsis.
const showUsage = "show [--account NAME] [--raw] [--folder F] ID [--save-attachment N [--to PATH]]"

// cmdShow runs `popterm show [--raw] ID [--save-attachment N [--to PATH]]`.
func cmdShow(ctx context.Context, e *env, args []string) int {
	fs := newFlagSet(e, "show", showUsage)
	raw := fs.Bool("raw", false, "write the stored message as is (sanitized on a terminal)")
	save := fs.Int("save-attachment", 0, "save attachment `N` (numbered from 1, as show lists them) instead of showing the message")
	to := fs.String("to", "", "with --save-attachment: a folder to save into, or a new file `PATH` (default: the download folder)")
	folder := fs.String("folder", "inbox", folderFlagHelp)
	args, done, code := parseFlags(e, fs, args, showUsage, showHelp)
	if done {
		return code
	}
	if len(args) != 1 {
		return fail(e, exitUsage, "show takes one message ID (see popterm list)")
	}
	if f := localFolder(*folder); f != "" {
		return showLocalFolder(ctx, e, f, args[0], *raw)
	}
	if *save < 0 || (*save == 0 && *to != "") || (*save > 0 && *raw) {
		return fail(e, exitUsage, "--save-attachment takes an attachment number from 1 (as show lists them); --to goes with it, --raw does not")
	}
	ids, err := parseIDs(args)
	if err != nil {
		return fail(e, exitUsage, "%v", err)
	}
	id := ids[0]
	s, code := openAccount(e, "", storeAnyWrite)
	if s == nil {
		return code
	}
	defer s.Close()
	m, err := s.engine.Get(id)
	if err != nil {
		if mailapi.KindOf(err) == mailapi.KindNotFound {
			return fail(e, exitFailure, "no message with ID %d (see popterm list)", id)
		}
		return failErr(e, "show", err)
	}
	if !m.Cached && s.engine.ReadOnly() {
		return fail(e, exitTryLater, "message %d is not downloaded yet and account %s is busy (another popterm holds it); try again when it is done", id, s.acct.Name)
	}
	// Every way goes through the engine: the body (downloaded when not
	// stored yet) and the seen mark.
	if *save > 0 {
		return saveAttachment(ctx, e, s, id, *save, *to)
	}
	if *raw {
		body, err := s.engine.OpenRaw(ctx, id)
		if err != nil {
			return failBody(e, id, err)
		}
		defer body.Close()
		return showRaw(e, body)
	}
	msg, err := s.engine.Open(ctx, id, message.Options{PreferHTML: s.cfg.UI.PreferHTML})
	if msg == nil {
		return failBody(e, id, err)
	}
	if err != nil { // rendered, but the seen mark was not recorded
		fmt.Fprintf(e.stderr, "popterm: warning: %s\n", message.SanitizeLine(err.Error()))
	}
	render(e.stdout, msg, termWidth(e.stdout, 80))
	return exitOK
}

// failBody explains why a body could not be had.
func failBody(e *env, id int64, err error) int {
	switch mailbox.Classify(err) {
	case mailbox.KindTryLater:
		return fail(e, exitTryLater, "message %d is not downloaded yet and needs the server, which is not reachable now (%s); run popterm sync when online",
			id, message.SanitizeLine(err.Error()))
	}
	return failErr(e, fmt.Sprintf("show message %d", id), err)
}

// showRaw copies the stored bytes: unchanged into a file or pipe, sanitized
// onto a terminal.
func showRaw(e *env, body io.Reader) int {
	if !isTerminal(e.stdout) {
		if _, err := io.Copy(e.stdout, body); err != nil {
			return fail(e, exitFailure, "write the message: %v", err)
		}
		return exitOK
	}
	b, err := io.ReadAll(body)
	if err != nil {
		return fail(e, exitFailure, "read the message: %v", err)
	}
	fmt.Fprint(e.stdout, message.Sanitize(string(b)))
	return exitOK
}

// render writes a parsed message as text wrapped to width.
func render(w io.Writer, m *message.Message, width int) {
	for _, name := range shownHeaders {
		for _, h := range m.Headers {
			if strings.EqualFold(h.Key, name) && strings.TrimSpace(h.Value) != "" {
				fmt.Fprintf(w, "%s: %s\n", name, message.SanitizeLine(h.Value))
			}
		}
	}
	fmt.Fprintln(w)
	for _, l := range m.Wrap(width) {
		fmt.Fprintln(w, message.Sanitize(l.Text))
	}
	if len(m.Attachments) > 0 {
		fmt.Fprintln(w)
		for _, a := range m.Attachments {
			fmt.Fprintf(w, "[attachment %d] %s (%s, %s)\n", a.Index+1, message.SanitizeLine(a.Name), message.SanitizeLine(a.Type), message.FormatSize(a.Size))
		}
	}
	// The body already ends with the footer of the links it shows as [n];
	// URLs in plain text are visible where they stand.
}

const showHelp = `The message rendered as text (headers, body wrapped to the terminal, its
attachments, numbered from 1 as in the reader, and links). A body not stored
yet is downloaded when the server is reachable. --raw writes the stored bytes
unchanged into a file or pipe, and sanitized onto a terminal.
--save-attachment N saves attachment N under a safe name into the download
folder, or into --to PATH (a folder, or a new file); it never replaces a file.
`

// saveAttachment runs `popterm show ID --save-attachment N [--to PATH]`:
// into the download folder by default (created 0700 when missing), a folder
// given with --to, or the new file --to names; an existing file is never
// replaced, and is refused before anything is downloaded.
func saveAttachment(ctx context.Context, e *env, s *session, id int64, n int, to string) int {
	target := to
	if target == "" {
		target = s.cfg.UI.DownloadFolder()
		if target == "" {
			return fail(e, exitUsage, "no download folder is known: give one with --to PATH (or set download_dir in [ui])")
		}
		target += string(filepath.Separator)
	}
	target = config.ExpandHome(target)
	if fi, err := os.Stat(target); err == nil && !fi.IsDir() {
		return fail(e, exitFailure, "%s already exists; give another name with --to, or a folder to save into", target)
	}
	body, err := s.engine.OpenRaw(ctx, id)
	if err != nil {
		return failBody(e, id, err)
	}
	defer body.Close()
	path, err := message.SaveAttachmentTo(body, n-1, target)
	if errors.Is(err, message.ErrNoAttachment) {
		return fail(e, exitUsage, "message %d has no attachment %d (popterm show %d lists them)", id, n, id)
	}
	if err != nil {
		return fail(e, exitFailure, "save attachment %d of message %d: %s", n, id, message.SanitizeLine(err.Error()))
	}
	fmt.Fprintf(e.stdout, "saved attachment %d of message %d to %s\n", n, id, message.SanitizeLine(path))
	return exitOK
}

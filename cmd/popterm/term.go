package main

import (
	"io"
	"os"

	"github.com/charmbracelet/colorprofile"
	"github.com/charmbracelet/x/term"
	"github.com/xo/terminfo"

	"github.com/popterm/popterm/ui"
)

// Terminal helpers: whether a stream is a terminal, and its width.

// terminalFd returns the file descriptor of w when it is a terminal.
func terminalFd(w io.Writer) (uintptr, bool) {
	f, ok := w.(*os.File)
	if !ok {
		return 0, false
	}
	fd := f.Fd()
	return fd, term.IsTerminal(fd)
}

// isTerminal reports whether w is a terminal.
func isTerminal(w io.Writer) bool {
	_, ok := terminalFd(w)
	return ok
}

// termWidth is w's width when it is a terminal, else def.
func termWidth(w io.Writer, def int) int {
	fd, ok := terminalFd(w)
	if !ok {
		return def
	}
	width, _, err := term.GetSize(fd)
	if err != nil || width <= 0 {
		return def
	}
	return width
}

// colorProfile is what the reader and the form may draw with on w, from
// colorprofile's detection (TERM, COLORTERM, NO_COLOR, CLICOLOR, tmux),
// corrected two ways:
//   - a TERM whose terminfo entry has no colours (vt100, vt220) gets none,
//     even when COLORTERM or tmux, inherited from the terminal around it,
//     promise more;
//   - a terminal gets at least ASCII (bold and reverse video, no colour):
//     TERM=dumb would otherwise lose every attribute, the selected row's
//     reverse video included.
func colorProfile(w io.Writer, environ []string, getenv func(string) string) colorprofile.Profile {
	p := colorprofile.Detect(w, environ)
	if !isTerminal(w) {
		return p
	}
	if t := getenv("TERM"); t != "" && t != "dumb" {
		if ti, err := terminfo.Load(t); err == nil && ti.Nums[terminfo.MaxColors] <= 0 {
			p = min(p, colorprofile.ASCII)
		}
	}
	return max(p, colorprofile.ASCII)
}

// look is how the reader and the setup form may draw on a terminal.
type look struct {
	profile colorprofile.Profile
	noColor bool // NO_COLOR, or a terminal without colours: the mono styles
	ascii   bool // the locale is not UTF-8: ASCII glyphs only
}

// termLook decides the look for output w from the process's environment.
func termLook(w io.Writer) look {
	p := colorProfile(w, os.Environ(), os.Getenv)
	return look{
		profile: p,
		noColor: os.Getenv("NO_COLOR") != "" || p <= colorprofile.ASCII,
		ascii:   !ui.LocaleIsUTF8(os.Getenv),
	}
}

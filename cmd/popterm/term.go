package main

import (
	"io"
	"os"

	"github.com/charmbracelet/x/term"
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

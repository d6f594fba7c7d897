// Package ui is popterm's terminal reader, built with Bubble Tea v2: a root
// model (App) that routes by screen to plain child components (index, pager,
// attachments, prompts, help, status bar). It shows the offline store at
// once, syncs in the background without ever deleting, and commits the
// user's deletion marks (DELE, then QUIT, RFC 1939) only on `q` or `$`.
// One syncState, owned by App, says what server work runs (idle, syncing,
// committing, quitting) and what waits for it; the status bar reads it.
//
// All mail text it shows comes from the message package, which decodes
// RFC 5322/2045-2049/2047/2231 input and sanitizes it; the UI measures every
// cell with charmbracelet/x/ansi so wide characters line up. The UI reaches
// the mail only through the Engine interface it declares over the leaf
// package mailapi (mailbox.Engine implements it; the package never imports
// mailbox, the protocol or the store), and does no I/O in Update: every
// read, write and network call runs in a tea.Cmd.
package ui

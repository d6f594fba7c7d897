//go:build unix

package config

import (
	"os"
	"syscall"
)

// diedOfSIGPIPE reports whether the process ended because it wrote to a
// pipe popterm had stopped reading.
func diedOfSIGPIPE(ps *os.ProcessState) bool {
	ws, ok := ps.Sys().(syscall.WaitStatus)
	return ok && ws.Signaled() && ws.Signal() == syscall.SIGPIPE
}

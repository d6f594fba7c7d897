//go:build !unix

package config

import "os"

// diedOfSIGPIPE reports whether the process ended because it wrote to a
// pipe popterm had stopped reading (never, without SIGPIPE).
func diedOfSIGPIPE(*os.ProcessState) bool { return false }

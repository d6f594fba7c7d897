//go:build unix

package message

import "syscall"

// cpuNanos is the CPU time (user + system) this process has used, so that
// benchmarks can report it next to wall time on a busy machine.
func cpuNanos() int64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return ru.Utime.Nano() + ru.Stime.Nano()
}

//go:build !unix

package message

// cpuNanos is not measured on this system.
func cpuNanos() int64 { return 0 }

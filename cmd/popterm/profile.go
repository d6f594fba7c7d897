package main

import (
	"fmt"
	"os"
	"path/filepath"
	"runtime"
	"runtime/pprof"
)

// profileEnv names a folder where popterm writes a CPU profile (cpu.pprof)
// a block profile (block.pprof) and an allocation profile (allocs.pprof)
// of its whole run, for the benchmarks and
// for developers (go tool pprof). It is deliberately not in the help.
const profileEnv = "POPTERM_PROFILE_DIR"

// startProfiles starts profiling when profileEnv is set and returns the
// function that writes the profiles.
func startProfiles() (stop func()) {
	dir := os.Getenv(profileEnv)
	if dir == "" {
		return func() {}
	}
	cpu, err := os.Create(filepath.Join(dir, "cpu.pprof"))
	if err != nil {
		fmt.Fprintf(os.Stderr, "popterm: %s: %v\n", profileEnv, err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(cpu); err != nil {
		cpu.Close()
		fmt.Fprintf(os.Stderr, "popterm: %s: %v\n", profileEnv, err)
		return func() {}
	}
	runtime.SetBlockProfileRate(10000) // one event per 10 µs blocked
	return func() {
		pprof.StopCPUProfile()
		cpu.Close()
		for _, name := range []string{"block", "allocs"} {
			if f, err := os.Create(filepath.Join(dir, name+".pprof")); err == nil {
				pprof.Lookup(name).WriteTo(f, 0)
				f.Close()
			}
		}
	}
}

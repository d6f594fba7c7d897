package main

import (
	"context"
	"math"
	"runtime/debug"
	"testing"

	"github.com/popterm/popterm/config"
)

// The reader's soft memory limit grows with the messages it can show, and
// GOMEMLIMIT set by the user is left alone.
func TestReaderMemoryLimit(t *testing.T) {
	defer debug.SetMemoryLimit(debug.SetMemoryLimit(-1))
	if small, large := readerMemoryLimit(1_000), readerMemoryLimit(100_000); large <= small || large > 150<<20 {
		t.Errorf("limits %d (1,000 messages), %d (100,000): want growing and under 150 MB", small, large)
	}
	t.Setenv("GOMEMLIMIT", "")
	limitReaderMemory(context.Background(), &config.Config{})
	if got := debug.SetMemoryLimit(-1); got != readerMemoryLimit(0) {
		t.Errorf("limit %d, want %d", got, readerMemoryLimit(0))
	}
	debug.SetMemoryLimit(math.MaxInt64)
	t.Setenv("GOMEMLIMIT", "1GiB")
	limitReaderMemory(context.Background(), &config.Config{})
	if got := debug.SetMemoryLimit(-1); got != math.MaxInt64 {
		t.Errorf("GOMEMLIMIT set, yet the reader changed the limit to %d", got)
	}
}

package main

import (
	"context"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"sync/atomic"
	"testing"
	"time"

	"github.com/popterm/popterm/config"
)

// keyringProbeEnv selects what TestDemoNeverTouchesKeyring's child runs.
const keyringProbeEnv = "POPTERM_TEST_KEYRING_PROBE"

// TestDemoNeverTouchesKeyring runs the demo in a child process whose session
// bus (where the OS keyring lives) is a socket of this test, and checks that
// nothing connects to it. A second child reads the OS keyring, to prove the
// socket would see it. Each child is a fresh process, so no bus connection
// can be cached from another test.
func TestDemoNeverTouchesKeyring(t *testing.T) {
	switch os.Getenv(keyringProbeEnv) {
	case "demo":
		if code, _, errOut := runDemoArgs(t, "list"); code != exitOK {
			t.Fatalf("--demo list: exit %d, stderr %q", code, errOut)
		}
		return
	case "keyring":
		config.Keyring().Get("probe") // fails: the fake bus hangs up
		return
	}
	sock := filepath.Join(t.TempDir(), "bus")
	ln, err := net.Listen("unix", sock)
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	var conns atomic.Int32
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			conns.Add(1)
			c.Close()
		}
	}()
	child := func(mode string) int32 {
		before := conns.Load()
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
		defer cancel()
		cmd := exec.CommandContext(ctx, os.Args[0], "-test.run=^TestDemoNeverTouchesKeyring$", "-test.count=1")
		cmd.Env = append(os.Environ(), keyringProbeEnv+"="+mode, "DBUS_SESSION_BUS_ADDRESS=unix:path="+sock)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("child %s: %v\n%s", mode, err, out)
		}
		return conns.Load() - before
	}
	if n := child("demo"); n != 0 {
		t.Errorf("the demo connected to the session bus %d times: it must not touch the keyring", n)
	}
	if n := child("keyring"); n == 0 {
		t.Error("reading the OS keyring did not reach the fake session bus: this test proves nothing")
	}
}

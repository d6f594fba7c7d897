package pop3

import (
	"context"
	"errors"
	"net"
	"strings"
	"syscall"
	"testing"
)

func TestDialErrorNamesAddressOnce(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	_, err = Dial(context.Background(), addr, nil)
	if err == nil {
		t.Fatal("Dial to a closed port succeeded")
	}
	if n := strings.Count(err.Error(), addr); n != 1 {
		t.Errorf("error names the address %d times, want once: %v", n, err)
	}
	if !errors.Is(err, syscall.ECONNREFUSED) {
		t.Errorf("error %v does not unwrap to ECONNREFUSED", err)
	}
}

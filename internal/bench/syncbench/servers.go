package main

import (
	"fmt"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/popterm/popterm/internal/dovecottest"
	"github.com/popterm/popterm/internal/latencyproxy"
)

// splitAddr splits host:port.
func splitAddr(addr string) (string, int) {
	host, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	return host, p
}

// startDovecot serves n messages from a real Dovecot in a temporary folder.
func startDovecot(n int) (*target, error) {
	dir, err := os.MkdirTemp("", "syncbench-dovecot-")
	if err != nil {
		return nil, err
	}
	srv, err := dovecottest.StartProcess(dir)
	if err != nil {
		os.RemoveAll(dir)
		return nil, fmt.Errorf("start dovecot: %w", err)
	}
	stop := func() {
		srv.Stop()
		os.RemoveAll(dir)
	}
	if err := srv.Fill(srv.User, n, func(i int) []byte { return benchMail(i + 1) }); err != nil {
		stop()
		return nil, fmt.Errorf("fill the maildrop: %w", err)
	}
	return &target{addr: srv.Addr(), user: srv.User, password: srv.Password, stop: stop}, nil
}

// startProxy puts a proxy in front of addr that adds rtt to each round trip.
func startProxy(addr string, rtt time.Duration) (string, func(), error) {
	p, err := latencyproxy.New(addr, rtt/2)
	if err != nil {
		return "", nil, fmt.Errorf("start the latency proxy: %w", err)
	}
	return p.Addr(), func() { p.Close() }, nil
}

package main

import (
	"errors"
	"net"
	"strconv"
	"time"
)

// splitAddr splits host:port.
func splitAddr(addr string) (string, int) {
	host, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	return host, p
}

// startDovecot serves n messages from a real Dovecot.
func startDovecot(n int) (*target, error) {
	return nil, errors.New("dovecot: not wired yet")
}

// startProxy puts a delaying proxy in front of addr.
func startProxy(addr string, rtt time.Duration) (string, func(), error) {
	return "", nil, errors.New("latency proxy: not wired yet")
}

package main

import (
	"context"
	"fmt"
	"net"
	"os"
	"strconv"
	"time"

	"github.com/popterm/popterm/internal/dovecottest"
	"github.com/popterm/popterm/internal/latencyproxy"
	"github.com/popterm/popterm/pop3"
)

// splitAddr splits host:port.
func splitAddr(addr string) (string, int) {
	host, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	return host, p
}

// startDovecot serves n messages of gen from a real Dovecot in a temporary
// folder.
func startDovecot(n int, gen func(i int) []byte) (*target, error) {
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
	if err := srv.Fill(srv.User, n, gen); err != nil {
		stop()
		return nil, fmt.Errorf("fill the maildrop: %w", err)
	}
	// Dovecot indexes a Maildir at the first login after files were dropped
	// into it (a real server does that as mail is delivered): do it now,
	// outside the measurement.
	start := time.Now()
	if err := warm(srv.Addr(), srv.User, srv.Password); err != nil {
		stop()
		return nil, fmt.Errorf("warm up dovecot: %w", err)
	}
	fmt.Printf("dovecot indexed its maildir in %.2f s (not counted)\n", time.Since(start).Seconds())
	return &target{addr: srv.Addr(), user: srv.User, password: srv.Password, caFile: srv.CAFile(), stop: stop}, nil
}

// warm logs in once and lists the maildrop.
func warm(addr, user, password string) error {
	ctx := context.Background()
	c, err := pop3.Dial(ctx, addr, &pop3.Options{CommandTimeout: 5 * time.Minute})
	if err != nil {
		return err
	}
	defer c.Close()
	if _, err := c.Login(ctx, pop3.Credentials{Username: user, Password: password, Mechanism: "user", AllowCleartext: true}); err != nil {
		return err
	}
	if _, err := c.UIDL(ctx); err != nil {
		return err
	}
	return c.Quit(ctx)
}

// startProxy puts a proxy in front of addr that adds rtt to each round trip.
func startProxy(addr string, rtt time.Duration) (string, func(), error) {
	p, err := latencyproxy.New(addr, rtt/2)
	if err != nil {
		return "", nil, fmt.Errorf("start the latency proxy: %w", err)
	}
	return p.Addr(), func() { p.Close() }, nil
}

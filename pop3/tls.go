package pop3

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"time"
)

// StartTLS sends STLS and upgrades the connection (RFC 2595), then asks CAPA
// again. cfg may be nil (Options.TLSConfig is used); it is cloned and its
// ServerName filled from the address. Bytes the server sent after its +OK
// and before the handshake are an attack (response injection): the
// connection is closed and the error matches ErrInjection. A refusal (-ERR)
// leaves the connection usable but in cleartext, where Login still refuses
// credentials unless allowed; any other failure closes the connection.
func (c *Client) StartTLS(ctx context.Context, cfg *tls.Config) error {
	const label = "STLS"
	if _, isTLS := c.TLS(); isTLS {
		return errors.New("pop3: STLS: the connection already uses TLS")
	}
	if cfg == nil {
		cfg = c.opts.TLSConfig
	}
	cfg = tlsConfig(cfg, c.host)
	if err := c.begin(ctx, label); err != nil {
		return err
	}
	if _, err := c.roundTrip(label, "STLS", "STLS"); err != nil {
		return c.end(label, err)
	}
	if c.br.Buffered() > 0 {
		return c.end(label, ErrInjection)
	}
	raw := c.nio.current()
	raw.SetDeadline(time.Time{})
	tconn := tls.Client(raw, cfg)
	hctx, cancel := context.WithTimeout(ctx, c.opts.DialTimeout)
	defer cancel()
	if err := tconn.HandshakeContext(hctx); err != nil {
		return c.end(label, fmt.Errorf("TLS handshake: %w", handshakeError(err)))
	}
	c.nio.setConn(tconn)
	if err := c.end(label, nil); err != nil {
		return err
	}
	_, err := c.Capa(ctx)
	return err
}

// DialStartTLS connects in cleartext, reads the greeting, asks CAPA, upgrades
// with STLS and asks CAPA again. It fails (ErrTLSUnavailable) rather than go
// on in cleartext.
func DialStartTLS(ctx context.Context, addr string, opts *Options) (*Client, error) {
	c, err := Dial(ctx, addr, opts)
	if err != nil {
		return nil, err
	}
	caps, err := c.Capa(ctx)
	if err != nil {
		c.Close()
		return nil, err
	}
	if caps.Known && !caps.STLS {
		c.Close()
		return nil, ErrTLSUnavailable
	}
	if err := c.StartTLS(ctx, nil); err != nil {
		c.Close()
		return nil, &tlsFailedError{err: err}
	}
	return c, nil
}

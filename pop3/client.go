package pop3

import (
	"bufio"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Defaults of Options.
const (
	DefaultDialTimeout    = 30 * time.Second
	DefaultCommandTimeout = 60 * time.Second
	// DefaultPipelineWindow keeps a long round trip from dominating a
	// batch: TOP n 0 replies are small, so 200 in flight fetch 10,000
	// headers in 50 round trips (64 would need 160: 3.4 s at 20 ms RTT).
	DefaultPipelineWindow = 200
	// DefaultMinRate is the default Options.MinRate: 8 KiB/s.
	DefaultMinRate = 8 << 10
	// QuickGreeting bounds the wait for a cleartext greeting (Dial): a
	// POP3 server greets at once, and a silent one is usually an
	// implicit-TLS port waiting for a TLS handshake.
	QuickGreeting = 5 * time.Second
)

// Options configures a Client. The zero value is usable.
type Options struct {
	// TLSConfig is cloned before use. ServerName is filled from the address
	// when empty.
	TLSConfig *tls.Config
	// DialTimeout bounds connecting and the TLS handshake (default 30s).
	DialTimeout time.Duration
	// CommandTimeout bounds each command's write, and the time a status
	// line may take to arrive whole (default 60s; negative means no
	// timeout, and no minimum rate either).
	CommandTimeout time.Duration
	// MinRate is the slowest a multi-line reply may arrive, in bytes per
	// second (default DefaultMinRate): a reply may take CommandTimeout plus
	// its size (the LIST size when known, else what arrived) at MinRate.
	// A slower server fails with a *SlowError.
	MinRate int64
	// GreetingTimeout bounds the wait for the greeting (default
	// CommandTimeout; Dial, in cleartext, waits at most QuickGreeting and
	// reports silence as ErrWantsTLS).
	GreetingTimeout time.Duration
	// PipelineWindow is the most commands in flight when the server
	// advertises PIPELINING (default DefaultPipelineWindow, at most
	// MaxPipelineWindow).
	PipelineWindow int
	// MaxMessageSize bounds a RETR or TOP reply on the wire (default
	// DefaultMaxMessageSize).
	MaxMessageSize int64
	// Debug, when set, receives a protocol trace. It could capture
	// credentials: the client redacts PASS, APOP and AUTH payloads, but treat
	// the trace as sensitive anyway. Message bodies are not traced.
	Debug io.Writer
}

// withDefaults fills zero fields.
func (o Options) withDefaults() Options {
	if o.DialTimeout <= 0 {
		o.DialTimeout = DefaultDialTimeout
	}
	if o.CommandTimeout == 0 {
		o.CommandTimeout = DefaultCommandTimeout
	}
	if o.CommandTimeout < 0 {
		o.CommandTimeout = 0
	}
	if o.MinRate <= 0 {
		o.MinRate = DefaultMinRate
	}
	if o.PipelineWindow <= 0 {
		o.PipelineWindow = DefaultPipelineWindow
	}
	if o.MaxMessageSize <= 0 {
		o.MaxMessageSize = DefaultMaxMessageSize
	}
	return o
}

// Client is a connection to a POP3 server.
type Client struct {
	opts  Options
	nio   *netIO
	br    *bufio.Reader
	bw    *bufio.Writer
	trace tracer
	sec   secrets
	host  string // server name for TLS and OAUTHBEARER
	port  int

	greeting  string
	timestamp string // APOP challenge from the greeting
	caps      *Capabilities
	capsAsked bool          // CAPA was sent at least once
	sizes     map[int]int64 // LIST sizes seen this session
	username  string        // the user name sent, not a secret to redact
	maxList   int64         // MaxListBytes (smaller in tests)
	pending   *body         // unfinished multi-line reply
	// loginTried: Login sent credentials once; it never sends them again.
	loginTried bool

	mu     sync.Mutex
	closed bool  // Close or Quit ran
	broken error // the error that broke the stream
}

// New wraps an established connection. It does no I/O: call ReadGreeting next.
func New(conn net.Conn, opts *Options) *Client {
	var o Options
	if opts != nil {
		o = *opts
	}
	o = o.withDefaults()
	if o.TLSConfig != nil {
		o.TLSConfig = o.TLSConfig.Clone()
	}
	nio := &netIO{conn: conn, timeout: o.CommandTimeout, minRate: o.MinRate}
	c := &Client{
		opts:    o,
		nio:     nio,
		br:      bufio.NewReaderSize(nio, 64<<10),
		bw:      bufio.NewWriterSize(nio, 16<<10),
		trace:   tracer{w: o.Debug},
		caps:    &Capabilities{},
		sizes:   map[int]int64{},
		maxList: MaxListBytes,
	}
	if a := conn.RemoteAddr(); a != nil {
		c.setAddr(a.String())
	}
	return c
}

// setAddr records the server's host and port from "host:port".
func (c *Client) setAddr(addr string) {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		c.host = addr
		return
	}
	c.host = host
	c.port, _ = strconv.Atoi(port)
}

// Dial connects in cleartext and reads the greeting. Unless
// Options.GreetingTimeout is set, a server silent for QuickGreeting (or the
// command timeout, if shorter) fails with an error matching ErrWantsTLS:
// it is most likely an implicit-TLS port.
func Dial(ctx context.Context, addr string, opts *Options) (*Client, error) {
	conn, o, err := dialTCP(ctx, addr, opts)
	if err != nil {
		return nil, err
	}
	quick := o.GreetingTimeout <= 0
	if quick {
		o.GreetingTimeout = QuickGreeting
		if o.CommandTimeout > 0 {
			o.GreetingTimeout = min(o.CommandTimeout, QuickGreeting)
		}
	}
	c, err := start(ctx, conn, addr, &o)
	if err != nil && quick && silent(err) {
		return nil, &portError{addr: addr, err: ErrWantsTLS,
			why: fmt.Sprintf("no greeting within %s", o.GreetingTimeout)}
	}
	return c, err
}

// DialTLS connects with implicit TLS (port 995) and reads the greeting.
func DialTLS(ctx context.Context, addr string, opts *Options) (*Client, error) {
	conn, o, err := dialTCP(ctx, addr, opts)
	if err != nil {
		return nil, err
	}
	host, _, _ := net.SplitHostPort(addr)
	tconn := tls.Client(conn, tlsConfig(o.TLSConfig, host))
	hctx, cancel := context.WithTimeout(ctx, o.DialTimeout)
	defer cancel()
	if err := tconn.HandshakeContext(hctx); err != nil {
		conn.Close()
		if plainPOP3(err) {
			return nil, &portError{addr: addr, err: ErrPlainPort, cause: err,
				why: "the server answered the TLS handshake with a POP3 greeting"}
		}
		return nil, fmt.Errorf("pop3: TLS handshake with %s: %w", addr, handshakeError(err))
	}
	return start(ctx, tconn, addr, &o)
}

// dialTCP opens the TCP connection within DialTimeout.
func dialTCP(ctx context.Context, addr string, opts *Options) (net.Conn, Options, error) {
	var o Options
	if opts != nil {
		o = *opts
	}
	o = o.withDefaults()
	d := net.Dialer{Timeout: o.DialTimeout}
	conn, err := d.DialContext(ctx, "tcp", addr)
	if err != nil {
		return nil, o, &dialError{addr: addr, err: err}
	}
	return conn, o, nil
}

// dialError is a failure to connect. Its text names the address once: the
// net package's own error repeats it ("dial tcp ADDR: ...").
type dialError struct {
	addr string
	err  error
}

func (e *dialError) Error() string {
	var dns *net.DNSError
	if errors.As(e.err, &dns) && dns.IsNotFound {
		return fmt.Sprintf("pop3: connecting to %s: no host named %s (check the host name)", e.addr, dns.Name)
	}
	cause := e.err
	var op *net.OpError
	if errors.As(cause, &op) && op.Err != nil {
		cause = op.Err
	}
	return fmt.Sprintf("pop3: connecting to %s: %v", e.addr, cause)
}

func (e *dialError) Unwrap() error { return e.err }

// start wraps conn and reads the greeting, closing conn on failure.
func start(ctx context.Context, conn net.Conn, addr string, o *Options) (*Client, error) {
	c := New(conn, o)
	c.setAddr(addr)
	if err := c.ReadGreeting(ctx); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// tlsConfig clones cfg (or makes one) and fills ServerName.
func tlsConfig(cfg *tls.Config, host string) *tls.Config {
	if cfg == nil {
		cfg = &tls.Config{}
	} else {
		cfg = cfg.Clone()
	}
	if cfg.ServerName == "" {
		cfg.ServerName = host
	}
	if cfg.MinVersion == 0 {
		cfg.MinVersion = tls.VersionTLS12
	}
	return cfg
}

// ReadGreeting reads the server greeting after New.
func (c *Client) ReadGreeting(ctx context.Context) error {
	const label = "greeting"
	if err := c.begin(ctx, label); err != nil {
		return err
	}
	st, err := c.readStatusWithin(label, c.opts.GreetingTimeout)
	if err == nil {
		c.greeting = c.sec.clean(st.text)
		c.timestamp = apopTimestamp(st.text)
	}
	return c.end(label, err)
}

// apopTimestamp finds the RFC 1939 "<...>" challenge in the greeting.
func apopTimestamp(text string) string {
	i := strings.IndexByte(text, '<')
	if i < 0 {
		return ""
	}
	j := strings.IndexByte(text[i:], '>')
	if j < 2 || j > 256 {
		return ""
	}
	ts := text[i : i+j+1]
	for k := 1; k < len(ts)-1; k++ {
		if ts[k] <= ' ' || ts[k] > '~' || ts[k] == '<' {
			return ""
		}
	}
	return ts
}

// Greeting returns the greeting text (sanitized).
func (c *Client) Greeting() string { return c.greeting }

// TLS reports the TLS state; ok is false on a cleartext connection.
func (c *Client) TLS() (state tls.ConnectionState, ok bool) {
	if t, isTLS := c.nio.current().(*tls.Conn); isTLS {
		return t.ConnectionState(), true
	}
	return tls.ConnectionState{}, false
}

// Caps returns the last capability set read (empty, never nil, before Capa).
func (c *Client) Caps() *Capabilities { return c.caps }

// Close closes the connection without QUIT: nothing is deleted. It may be
// called from any goroutine and more than once.
func (c *Client) Close() error {
	c.mu.Lock()
	already := c.closed
	c.closed = true
	c.mu.Unlock()
	if already {
		return nil
	}
	err := c.nio.current().Close()
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}

// usable fails when the connection is closed or broken.
func (c *Client) usable(label string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	switch {
	case c.broken != nil:
		return &ProtocolError{Command: label, Err: fmt.Errorf("%w after an earlier error (%v)", ErrClosed, c.broken)}
	case c.closed:
		return &ProtocolError{Command: label, Err: ErrClosed}
	}
	return nil
}

// begin prepares a command: the connection must be usable, ctx not done, and
// an unfinished reply is drained first. It binds ctx to the I/O until end.
func (c *Client) begin(ctx context.Context, label string) error {
	if err := c.usable(label); err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("pop3: %s: %w", label, err)
	}
	if b := c.pending; b != nil {
		b.rebind(ctx)
		if err := b.Close(); err != nil {
			return err
		}
	}
	c.nio.bind(ctx)
	return nil
}

// end finishes a command. A refusal (*Error) leaves the stream in step;
// any other error closes the connection.
func (c *Client) end(label string, err error) error {
	c.nio.unbind()
	if err == nil {
		return nil
	}
	var se *Error
	var ac *authCancelled
	if errors.As(err, &se) || errors.As(err, &ac) {
		return err
	}
	return c.broke(label, err)
}

// broke records the error that broke the stream, closes the connection and
// returns the error as a *ProtocolError.
func (c *Client) broke(label string, err error) error {
	var pe *ProtocolError
	if !errors.As(err, &pe) {
		pe = &ProtocolError{Command: label, Err: err}
	}
	c.mu.Lock()
	if c.broken == nil && !c.closed {
		c.broken = pe
	}
	c.mu.Unlock()
	c.nio.current().Close()
	return pe
}

// command builds a command line, refusing CR, LF and NUL in any argument.
func command(verb string, args ...string) (string, error) {
	for _, a := range args {
		if strings.ContainsAny(a, "\r\n\x00") {
			return "", errors.New("argument contains CR, LF or NUL")
		}
	}
	if len(args) == 0 {
		return verb, nil
	}
	return verb + " " + strings.Join(args, " "), nil
}

// send writes one command line; traced is what the trace shows instead.
func (c *Client) send(line, traced string) error {
	c.trace.client(traced)
	c.bw.WriteString(line)
	c.bw.WriteString("\r\n")
	return c.bw.Flush()
}

// readStatus reads a status line; -ERR becomes an *Error.
func (c *Client) readStatus(label string) (status, error) {
	return c.readStatusWithin(label, 0)
}

// readStatusWithin is readStatus with the line due within limit (the
// command timeout when limit <= 0).
func (c *Client) readStatusWithin(label string, limit time.Duration) (status, error) {
	c.nio.startReply(label, limit)
	line, err := c.readLine(MaxStatusLength)
	if err != nil {
		return status{}, err
	}
	c.traceReply(line)
	st, err := parseStatus(line)
	if err != nil {
		return st, c.badReply(line)
	}
	if !st.ok {
		return st, c.refusal(label, st)
	}
	return st, nil
}

// badReply is the error for a line that should have been a status line; it
// quotes the line sanitized, cut, and with secrets redacted.
func (c *Client) badReply(line []byte) error {
	return fmt.Errorf("unexpected reply %q (want +OK or -ERR)", c.sec.quote(string(line), 80))
}

// refusal turns a -ERR status into an *Error. label is the command without
// secrets ("RETR 5", "PASS"); for AUTH, the mechanism goes to its own field
// so that Command is "AUTH".
func (c *Client) refusal(label string, st status) *Error {
	e := &Error{Command: label, Code: st.code, Text: c.sec.clean(st.text)}
	if mech, ok := strings.CutPrefix(label, "AUTH "); ok {
		e.Command, e.Mechanism = "AUTH", mech
	}
	return e
}

// roundTrip sends a command and reads its status line. When the write
// fails, the server may have refused and closed: its -ERR is returned if
// it can be read.
func (c *Client) roundTrip(label, line, traced string) (status, error) {
	if err := c.send(line, traced); err != nil {
		return status{}, c.writeFailed(label, err)
	}
	return c.readStatus(label)
}

// writeFailed handles a failed write: a server that refused and closed may
// have left its -ERR to read, which is the better error to report. The
// connection is broken either way.
func (c *Client) writeFailed(label string, err error) error {
	if !errors.Is(err, syscall.EPIPE) && !errors.Is(err, syscall.ECONNRESET) {
		return err
	}
	if _, rerr := c.readStatus(label); rerr != nil {
		var se *Error
		if errors.As(rerr, &se) {
			c.broke(label, err)
			return se
		}
	}
	return err
}

// simple runs a command with a single-line reply.
func (c *Client) simple(ctx context.Context, label, traced, verb string, args ...string) (status, error) {
	line, err := command(verb, args...)
	if err != nil {
		return status{}, fmt.Errorf("pop3: %s: %w", label, err)
	}
	if traced == "" {
		traced = line
	}
	if err := c.begin(ctx, label); err != nil {
		return status{}, err
	}
	st, err := c.roundTrip(label, line, traced)
	return st, c.end(label, err)
}

// readLines reads the rest of label's multi-line reply as dot-unstuffed
// lines, each at most MaxStatusLength bytes, at most max lines and
// MaxListBytes, keeping the minimum rate.
func (c *Client) readLines(label string, max int) ([]string, error) {
	c.nio.startBody(label, 0)
	var lines []string
	var total int64
	for {
		line, err := c.readLine(MaxStatusLength)
		if err != nil {
			return nil, err
		}
		if total += int64(len(line)) + 2; total > c.maxList {
			return nil, fmt.Errorf("%w (over %d bytes)", ErrReplyTooLong, c.maxList)
		}
		if len(line) > 0 && line[0] == '.' {
			if len(line) == 1 {
				return lines, nil
			}
			line = line[1:]
		}
		if len(lines) == max {
			return nil, fmt.Errorf("%w (over %d lines)", ErrReplyTooLong, max)
		}
		c.traceReply(line)
		lines = append(lines, string(line))
	}
}

// msgLabel names a command on a message, e.g. "RETR 5".
func msgLabel(verb string, nums ...int) string {
	for _, n := range nums {
		verb += " " + strconv.Itoa(n)
	}
	return verb
}

// checkMsg validates a message number.
func checkMsg(label string, n int) error {
	if n < 1 {
		return fmt.Errorf("pop3: %s: message number must be 1 or more", label)
	}
	return nil
}

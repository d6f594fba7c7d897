package submit

import (
	"bytes"
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/emersion/go-sasl"
	"github.com/emersion/go-smtp"

	"github.com/popterm/popterm/saslmech"
)

// Security is how the connection is protected.
type Security string

// Security modes.
const (
	// Implicit TLS from the first byte (RFC 8314; port 465).
	Implicit Security = "implicit"
	// STARTTLS upgrades a cleartext connection (RFC 3207; port 587).
	StartTLS Security = "starttls"
	// None is a cleartext connection, for a trusted local server.
	None Security = "none"
)

// Mechanism names of Options.Mechanism.
const (
	MechAuto        = "auto"
	MechPlain       = "plain"
	MechLogin       = "login"
	MechXOAUTH2     = "xoauth2"
	MechOAuthBearer = "oauthbearer"
)

// DefaultTimeout is Options.Timeout when it is zero.
const DefaultTimeout = 60 * time.Second

// Options say where and how to connect. The zero value of every field but
// Host and Port has a sensible meaning.
type Options struct {
	Host string
	Port int
	// Security defaults to Implicit.
	Security Security
	// TLS is the verified configuration (config.Account's builder); nil
	// means a default verified configuration for Host. It is cloned.
	TLS *tls.Config
	// Username and Password are the login; without both (or a Token) the
	// client does not authenticate.
	Username, Password string
	// Token returns an OAuth2 access token for xoauth2/oauthbearer.
	Token func(ctx context.Context) (string, error)
	// Mechanism is auto, plain, login, xoauth2 or oauthbearer ("" is auto:
	// OAUTHBEARER or XOAUTH2 with a Token, else PLAIN or LOGIN).
	Mechanism string
	// AllowCleartext allows credentials without TLS.
	AllowCleartext bool
	// Timeout bounds every step: the connection, the TLS handshake, each
	// command's reply and each write of a message (DefaultTimeout if zero).
	Timeout time.Duration
	// LocalName is the name given in EHLO ("localhost" by default: the
	// user's host name is nobody's business).
	LocalName string
	// Dial opens the TCP connection (a net.Dialer by default).
	Dial func(ctx context.Context, network, addr string) (net.Conn, error)
}

// Capabilities are what the server's EHLO reply announced (after TLS).
type Capabilities struct {
	STARTTLS bool
	// Auth lists the SASL mechanisms offered, upper case.
	Auth []string
	// Size is the largest message accepted; 0 when unlimited or unknown.
	Size               int64
	EightBitMIME, UTF8 bool
}

// Client is one connection to a submission server. It is not safe for
// concurrent use.
type Client struct {
	c         *smtp.Client
	conn      net.Conn
	caps      Capabilities
	tls       bool
	mechanism string
	timeout   time.Duration
	broken    bool
}

// Dial connects, secures the connection as opts.Security says, and logs in
// when credentials are given. Every failure is an *Error.
func Dial(ctx context.Context, opts Options) (*Client, error) {
	if opts.Timeout <= 0 {
		opts.Timeout = DefaultTimeout
	}
	if opts.Security == "" {
		opts.Security = Implicit
	}
	switch opts.Security {
	case Implicit, StartTLS, None:
	default:
		return nil, &Error{Op: "connect", Kind: Setup, Err: fmt.Errorf("unknown tls mode %q (want implicit, starttls or none)", opts.Security)}
	}
	if opts.Host == "" || opts.Port <= 0 || opts.Port > 65535 {
		return nil, &Error{Op: "connect", Kind: Setup, Err: fmt.Errorf("no valid server address (%q port %d)", opts.Host, opts.Port)}
	}
	dial := opts.Dial
	if dial == nil {
		d := &net.Dialer{Timeout: opts.Timeout}
		dial = d.DialContext
	}
	addr := net.JoinHostPort(opts.Host, strconv.Itoa(opts.Port))
	raw, err := dial(ctx, "tcp", addr)
	if err != nil {
		return nil, wrap("connect", fmt.Errorf("%s: %w", addr, err), ctx.Err())
	}
	conn := net.Conn(&deadlineConn{Conn: raw, timeout: opts.Timeout})
	stop := context.AfterFunc(ctx, func() { raw.Close() })
	defer stop()

	cl, err := connect(ctx, conn, opts)
	if err != nil {
		raw.Close()
		return nil, wrap("connect", err, ctx.Err())
	}
	if err := cl.login(ctx, opts); err != nil {
		cl.c.Close()
		return nil, wrap("auth", err, ctx.Err())
	}
	return cl, nil
}

// connect greets the server, secures the connection and reads the
// capabilities.
func connect(ctx context.Context, conn net.Conn, opts Options) (*Client, error) {
	cfg := &tls.Config{ServerName: opts.Host, MinVersion: tls.VersionTLS12}
	if opts.TLS != nil {
		cfg = opts.TLS.Clone()
		if cfg.ServerName == "" {
			cfg.ServerName = opts.Host
		}
	}
	cl := &Client{conn: conn, timeout: opts.Timeout}
	switch opts.Security {
	case Implicit:
		tc := tls.Client(conn, cfg)
		if err := tc.HandshakeContext(ctx); err != nil {
			return nil, wrap("tls", err, ctx.Err())
		}
		cl.c, cl.tls = smtp.NewClient(tc), true
	case StartTLS:
		c, err := smtp.NewClientStartTLS(conn, cfg)
		if err != nil {
			if strings.Contains(err.Error(), "doesn't support STARTTLS") {
				return nil, &Error{Op: "starttls", Kind: Setup, Err: ErrNoSTARTTLS}
			}
			return nil, wrap("tls", err, ctx.Err())
		}
		cl.c, cl.tls = c, true
	default:
		cl.c = smtp.NewClient(conn)
	}
	cl.setTimeouts()
	if err := cl.c.Hello(localName(opts)); err != nil {
		return nil, wrap("ehlo", err, ctx.Err())
	}
	if cl.tls {
		if _, ok := cl.c.TLSConnectionState(); !ok {
			return nil, &Error{Op: "tls", Kind: Setup, Err: errors.New("the connection is not encrypted after STARTTLS")}
		}
	}
	cl.caps = capabilities(cl.c)
	return cl, nil
}

func localName(opts Options) string {
	if opts.LocalName != "" {
		return opts.LocalName
	}
	return "localhost"
}

func (cl *Client) setTimeouts() {
	cl.c.CommandTimeout = cl.timeout
	cl.c.SubmissionTimeout = cl.timeout
}

// capabilities reads the EHLO reply.
func capabilities(c *smtp.Client) Capabilities {
	var caps Capabilities
	caps.STARTTLS, _ = c.Extension("STARTTLS")
	if ok, mechs := c.Extension("AUTH"); ok {
		for _, m := range strings.Fields(mechs) {
			caps.Auth = append(caps.Auth, strings.ToUpper(m))
		}
	}
	if n, ok := c.MaxMessageSize(); ok {
		caps.Size = int64(n)
	}
	caps.EightBitMIME, _ = c.Extension("8BITMIME")
	caps.UTF8, _ = c.Extension("SMTPUTF8")
	return caps
}

// Capabilities returns what the server announced after TLS and before
// authentication.
func (cl *Client) Capabilities() Capabilities { return cl.caps }

// TLS returns the connection's TLS state; ok is false without TLS.
func (cl *Client) TLS() (state tls.ConnectionState, ok bool) { return cl.c.TLSConnectionState() }

// Mechanism returns the AUTH mechanism used ("" when none was).
func (cl *Client) Mechanism() string { return cl.mechanism }

// offers reports whether the server offers SASL mechanism name.
func (caps Capabilities) offers(name string) bool {
	for _, m := range caps.Auth {
		if strings.EqualFold(m, name) {
			return true
		}
	}
	return false
}

// login authenticates when credentials are given.
func (cl *Client) login(ctx context.Context, opts Options) error {
	if opts.Password == "" && opts.Token == nil {
		return nil
	}
	if !cl.tls && !opts.AllowCleartext {
		return &Error{Op: "auth", Kind: Setup, Err: ErrCleartext}
	}
	mech := strings.ToLower(strings.TrimSpace(opts.Mechanism))
	if mech == "" || mech == MechAuto {
		switch {
		case opts.Token != nil && cl.caps.offers(sasl.OAuthBearer):
			mech = MechOAuthBearer
		case opts.Token != nil && cl.caps.offers(saslmech.XOAUTH2):
			mech = MechXOAUTH2
		case opts.Password != "" && cl.caps.offers(sasl.Plain):
			mech = MechPlain
		case opts.Password != "" && cl.caps.offers(sasl.Login):
			mech = MechLogin
		default:
			offered := strings.Join(cl.caps.Auth, " ")
			if offered == "" {
				offered = "none"
			}
			return &Error{Op: "auth", Kind: Setup, Err: fmt.Errorf("%w: the server offers %s", ErrNoMechanism, offered)}
		}
	}
	var client sasl.Client
	switch mech {
	case MechPlain:
		client = sasl.NewPlainClient("", opts.Username, opts.Password)
	case MechLogin:
		client = sasl.NewLoginClient(opts.Username, opts.Password)
	case MechXOAUTH2, MechOAuthBearer:
		if opts.Token == nil {
			return &Error{Op: "auth", Kind: Setup, Err: fmt.Errorf("%w: %s needs an OAuth2 token command", ErrNoMechanism, mech)}
		}
		token, err := opts.Token(ctx)
		if err != nil {
			return &Error{Op: "auth", Kind: Credentials, Err: fmt.Errorf("getting the OAuth2 token: %w", err)}
		}
		if mech == MechXOAUTH2 {
			client = saslmech.NewXOAUTH2Client(opts.Username, token)
		} else {
			client = sasl.NewOAuthBearerClient(&sasl.OAuthBearerOptions{Username: opts.Username, Token: token, Host: opts.Host, Port: opts.Port})
		}
	default:
		return &Error{Op: "auth", Kind: Setup, Err: fmt.Errorf("unknown authentication mechanism %q (want auto, plain, login, xoauth2 or oauthbearer)", mech)}
	}
	cl.mechanism = mech
	return cl.c.Auth(client)
}

// Message is one message to send.
type Message struct {
	// From is the envelope sender (MAIL FROM).
	From string
	// To are the envelope recipients (RCPT TO).
	To []string
	// Raw is the message; LF or CRLF line ends (sent as CRLF).
	Raw []byte
	// BeforeData, when set, runs after every recipient was accepted and just
	// before DATA: the outbox records "sending" there. Its error aborts the
	// message (RSET) and is returned.
	BeforeData func() error
}

// Send submits one message: MAIL FROM (with SIZE, BODY=8BITMIME and SMTPUTF8
// when offered and needed), RCPT TO for every recipient, DATA. A message
// over the server's SIZE or with a non-ASCII address the server cannot take
// is refused before MAIL. Any refused recipient fails the whole message. On
// a refusal the transaction is reset so the next message can go on the
// same connection; after a broken connection Send fails at once.
func (cl *Client) Send(ctx context.Context, m Message) error {
	if cl.broken {
		return &Error{Op: "mail", Kind: Temporary, Err: errors.New("the connection broke earlier in this session")}
	}
	if len(m.To) == 0 {
		return &Error{Op: "rcpt", Kind: Permanent, Err: errors.New("the message has no recipient")}
	}
	stop := context.AfterFunc(ctx, func() { cl.conn.Close() })
	defer stop()
	err := cl.send(ctx, m)
	if err == nil {
		return nil
	}
	e := wrap(opOf(err), err, ctx.Err())
	var se *smtp.SMTPError
	if errors.As(err, &se) || e.Op == "before data" || e.Op == "size" || e.Op == "utf8" {
		if rerr := cl.c.Reset(); rerr != nil {
			cl.broken = true
		}
	} else {
		cl.broken = true
	}
	return e
}

// stepError remembers which step failed.
type stepError struct {
	op  string
	err error
}

func (s *stepError) Error() string { return s.err.Error() }
func (s *stepError) Unwrap() error { return s.err }

func opOf(err error) string {
	var s *stepError
	if errors.As(err, &s) {
		return s.op
	}
	return "send"
}

func step(op string, err error) error {
	if err == nil {
		return nil
	}
	var e *Error
	if errors.As(err, &e) {
		return err
	}
	return &stepError{op: op, err: err}
}

func (cl *Client) send(ctx context.Context, m Message) error {
	size := wireSize(m.Raw)
	if cl.caps.Size > 0 && size > cl.caps.Size {
		return &Error{Op: "size", Kind: Permanent, Err: fmt.Errorf("the message is %d bytes, over the server's limit of %d bytes", size, cl.caps.Size)}
	}
	needUTF8 := !isASCII(m.From)
	for _, to := range m.To {
		needUTF8 = needUTF8 || !isASCII(to)
	}
	if needUTF8 && !cl.caps.UTF8 {
		return &Error{Op: "utf8", Kind: Permanent, Err: errors.New("an address is not ASCII and the server does not offer SMTPUTF8")}
	}
	opts := &smtp.MailOptions{Size: size, UTF8: needUTF8}
	if err := cl.c.Mail(m.From, opts); err != nil {
		return step("mail", err)
	}
	for _, to := range m.To {
		if err := cl.c.Rcpt(to, nil); err != nil {
			return step("rcpt "+to, err)
		}
	}
	if m.BeforeData != nil {
		if err := m.BeforeData(); err != nil {
			return &Error{Op: "before data", Kind: Temporary, Err: err}
		}
	}
	w, err := cl.c.Data()
	if err != nil {
		return step("data", err)
	}
	if _, err := w.Write(m.Raw); err != nil {
		return step("data", err)
	}
	if len(m.Raw) > 0 && m.Raw[len(m.Raw)-1] != '\n' {
		if _, err := w.Write([]byte("\n")); err != nil {
			return step("data", err)
		}
	}
	if err := w.Close(); err != nil {
		var se *smtp.SMTPError
		if errors.As(err, &se) {
			return step("data", err)
		}
		e := wrap("data", err, ctx.Err())
		e.MaybeSent = true
		return e
	}
	return nil
}

// Close sends QUIT and closes the connection (closing it anyway when QUIT
// fails).
func (cl *Client) Close() error {
	if cl.broken {
		return cl.c.Close()
	}
	if err := cl.c.Quit(); err != nil {
		cl.c.Close()
		return wrap("quit", err, nil)
	}
	return nil
}

// wireSize is the size of raw with CRLF line ends.
func wireSize(raw []byte) int64 {
	return int64(len(raw) + bytes.Count(raw, []byte("\n")) - bytes.Count(raw, []byte("\r\n")))
}

func isASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= 0x80 {
			return false
		}
	}
	return true
}

// deadlineConn bounds every read and every write by the timeout, whatever
// deadline go-smtp sets (its own default is five minutes per command), so
// no step can block longer; a long message is bounded per write, not as a
// whole.
type deadlineConn struct {
	net.Conn
	timeout time.Duration
}

// Read reads under a fresh deadline.
func (d *deadlineConn) Read(p []byte) (int, error) {
	if err := d.Conn.SetReadDeadline(time.Now().Add(d.timeout)); err != nil {
		return 0, err
	}
	return d.Conn.Read(p)
}

// Write writes under a fresh deadline.
func (d *deadlineConn) Write(p []byte) (int, error) {
	if err := d.Conn.SetWriteDeadline(time.Now().Add(d.timeout)); err != nil {
		return 0, err
	}
	return d.Conn.Write(p)
}

// SetDeadline is ignored: Read and Write set their own.
func (d *deadlineConn) SetDeadline(time.Time) error { return nil }

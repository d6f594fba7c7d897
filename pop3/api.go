// Package pop3 is a POP3 client: RFC 1939 (the protocol), RFC 2449 (CAPA,
// extended response codes, PIPELINING), RFC 2595 (STLS), RFC 5034 (SASL AUTH),
// RFC 3206 (AUTH and SYS response codes), RFC 6856 (UTF8), RFC 8314 (implicit
// TLS). It knows nothing of the UI or the store.
//
// Stored bodies: Retr and Top return the message as the server sent it after
// dot-unstuffing, with every line ending normalised to LF ("\n").
package pop3

// CONTRACT STUB: the exported names below are the package's contract with the
// rest of popterm (mailbox, cmd). The pop3 owner replaces the bodies and may
// add to the API, but must not remove or rename these names.

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"time"

	"github.com/emersion/go-sasl"
)

// Options configures a Client. The zero value is usable.
type Options struct {
	// TLSConfig is cloned before use. ServerName is filled from the address
	// when empty.
	TLSConfig *tls.Config
	// DialTimeout bounds connecting and the TLS handshake (default 30s).
	DialTimeout time.Duration
	// CommandTimeout bounds each command's write and each read of its reply
	// while no data arrives (default 60s).
	CommandTimeout time.Duration
	// PipelineWindow is the most commands in flight when the server
	// advertises PIPELINING (default 64).
	PipelineWindow int
	// Debug, when set, receives a protocol trace. It could capture
	// credentials: the client redacts PASS, APOP and AUTH payloads, but treat
	// the trace as sensitive anyway.
	Debug io.Writer
}

// Client is a connection to a POP3 server.
type Client struct{}

// New wraps an established connection. It does no I/O: call ReadGreeting next.
func New(conn net.Conn, opts *Options) *Client { panic("unimplemented") }

// Dial connects in cleartext and reads the greeting.
func Dial(ctx context.Context, addr string, opts *Options) (*Client, error) {
	panic("unimplemented")
}

// DialTLS connects with implicit TLS (port 995) and reads the greeting.
func DialTLS(ctx context.Context, addr string, opts *Options) (*Client, error) {
	panic("unimplemented")
}

// DialStartTLS connects in cleartext, reads the greeting, asks CAPA, upgrades
// with STLS and asks CAPA again. It fails (ErrTLSUnavailable) rather than go
// on in cleartext.
func DialStartTLS(ctx context.Context, addr string, opts *Options) (*Client, error) {
	panic("unimplemented")
}

// ReadGreeting reads the server greeting after New.
func (c *Client) ReadGreeting(ctx context.Context) error { panic("unimplemented") }

// Greeting returns the greeting text (sanitized).
func (c *Client) Greeting() string { panic("unimplemented") }

// TLS reports the TLS state; ok is false on a cleartext connection.
func (c *Client) TLS() (state tls.ConnectionState, ok bool) { panic("unimplemented") }

// Capa sends CAPA. A server without CAPA yields an empty set and no error.
func (c *Client) Capa(ctx context.Context) (*Capabilities, error) { panic("unimplemented") }

// Caps returns the last capability set read (empty, never nil, before Capa).
func (c *Client) Caps() *Capabilities { panic("unimplemented") }

// StartTLS sends STLS and upgrades the connection, then asks CAPA again.
func (c *Client) StartTLS(ctx context.Context, cfg *tls.Config) error { panic("unimplemented") }

// UTF8 sends the RFC 6856 UTF8 command.
func (c *Client) UTF8(ctx context.Context) error { panic("unimplemented") }

// Credentials say how to authenticate with Login.
type Credentials struct {
	Username string
	Password string
	// Token returns an OAuth2 access token; used by xoauth2/oauthbearer.
	Token func(ctx context.Context) (string, error)
	// Mechanism is one of auto, user, apop, plain, login, cram-md5, xoauth2,
	// oauthbearer ("" means auto).
	Mechanism string
	// AllowCleartext allows credentials over a connection without TLS.
	AllowCleartext bool
}

// Login authenticates once with the mechanism chosen from Credentials and the
// server's capabilities (OAUTHBEARER, XOAUTH2 when a Token is given; else
// PLAIN, LOGIN, USER/PASS; CRAM-MD5 and APOP only when named). It sends UTF8
// first when offered, refuses cleartext (ErrCleartext) unless allowed, never
// retries another mechanism, and asks CAPA again after success. It returns the
// mechanism used.
func (c *Client) Login(ctx context.Context, cred Credentials) (mechanism string, err error) {
	panic("unimplemented")
}

// User sends USER.
func (c *Client) User(ctx context.Context, username string) error { panic("unimplemented") }

// Pass sends PASS.
func (c *Client) Pass(ctx context.Context, password string) error { panic("unimplemented") }

// APOP authenticates with the greeting's timestamp.
func (c *Client) APOP(ctx context.Context, username, secret string) error { panic("unimplemented") }

// Auth runs a SASL exchange (RFC 5034).
func (c *Client) Auth(ctx context.Context, mech sasl.Client) error { panic("unimplemented") }

// MessageInfo is one LIST entry. Size is the server's claim, not a promise.
type MessageInfo struct {
	Number int
	Size   int64
}

// UIDEntry is one UIDL entry. UID is kept as sent (bounded in length) and may
// be unsafe for display or file names.
type UIDEntry struct {
	Number int
	UID    string
}

// Stat sends STAT.
func (c *Client) Stat(ctx context.Context) (count int, size int64, err error) {
	panic("unimplemented")
}

// List sends LIST.
func (c *Client) List(ctx context.Context) ([]MessageInfo, error) { panic("unimplemented") }

// ListOne sends LIST n.
func (c *Client) ListOne(ctx context.Context, n int) (MessageInfo, error) { panic("unimplemented") }

// UIDL sends UIDL.
func (c *Client) UIDL(ctx context.Context) ([]UIDEntry, error) { panic("unimplemented") }

// UIDLOne sends UIDL n.
func (c *Client) UIDLOne(ctx context.Context, n int) (UIDEntry, error) { panic("unimplemented") }

// Retr sends RETR n and streams the message. Close (or read to EOF) before the
// next command; the next command drains an unfinished body.
func (c *Client) Retr(ctx context.Context, n int) (io.ReadCloser, error) { panic("unimplemented") }

// Top sends TOP n lines and streams the reply like Retr.
func (c *Client) Top(ctx context.Context, n, lines int) (io.ReadCloser, error) {
	panic("unimplemented")
}

// Dele sends DELE n. Nothing is deleted until Quit succeeds.
func (c *Client) Dele(ctx context.Context, n int) error { panic("unimplemented") }

// Noop sends NOOP.
func (c *Client) Noop(ctx context.Context) error { panic("unimplemented") }

// Rset sends RSET.
func (c *Client) Rset(ctx context.Context) error { panic("unimplemented") }

// Quit sends QUIT and closes the connection. A nil error means the server
// answered +OK: in the TRANSACTION state, deletions are committed.
func (c *Client) Quit(ctx context.Context) error { panic("unimplemented") }

// Close closes the connection without QUIT: nothing is deleted.
func (c *Client) Close() error { panic("unimplemented") }

// BodyFunc handles one reply of a pipelined batch. err is the server's
// refusal for that message (*Error), with body nil; body is valid only during
// the call. Returning an error stops the batch.
type BodyFunc func(n int, body io.Reader, err error) error

// TopMany sends TOP n lines for every n, pipelined when the server offers
// PIPELINING (a writer and a reader running concurrently, at most
// PipelineWindow in flight), one at a time otherwise, and calls fn in order.
func (c *Client) TopMany(ctx context.Context, nums []int, lines int, fn BodyFunc) error {
	panic("unimplemented")
}

// RetrMany sends RETR for every n, pipelined like TopMany.
func (c *Client) RetrMany(ctx context.Context, nums []int, fn BodyFunc) error {
	panic("unimplemented")
}

// DeleMany sends DELE for every n, pipelined like TopMany; fn gets each
// result (nil or the server's refusal).
func (c *Client) DeleMany(ctx context.Context, nums []int, fn func(n int, err error) error) error {
	panic("unimplemented")
}

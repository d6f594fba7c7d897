package pop3

import (
	"bytes"
	"context"
	"crypto/md5"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"

	"github.com/emersion/go-sasl"

	"github.com/popterm/popterm/saslmech"
)

// Mechanism names of Credentials.Mechanism and of Login's result.
const (
	MechAuto        = "auto"
	MechUser        = "user"
	MechAPOP        = "apop"
	MechPlain       = "plain"
	MechLogin       = "login"
	MechCRAMMD5     = "cram-md5"
	MechXOAUTH2     = "xoauth2"
	MechOAuthBearer = "oauthbearer"
)

// maxAuthLine is RFC 5034's bound on the AUTH command line, CRLF included.
const maxAuthLine = 255

// maxSASLRounds bounds the challenges of one AUTH exchange.
const maxSASLRounds = 16

// Credentials say how to authenticate with Login.
type Credentials struct {
	// Username is the mailbox user name.
	Username string
	// Password is the secret of the password mechanisms (user, apop, plain,
	// login, cram-md5). It never appears in a trace or an error.
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
// retries another mechanism (nor logs in twice on one connection), and asks
// CAPA again after success. It returns the mechanism used.
func (c *Client) Login(ctx context.Context, cred Credentials) (mechanism string, err error) {
	mech := strings.ToLower(strings.TrimSpace(cred.Mechanism))
	if mech == "" {
		mech = MechAuto
	}
	switch mech {
	case MechAuto, MechUser, MechAPOP, MechPlain, MechLogin, MechCRAMMD5, MechXOAUTH2, MechOAuthBearer:
	default:
		return "", fmt.Errorf("pop3: unknown authentication mechanism %q (want auto, user, apop, plain, login, cram-md5, xoauth2 or oauthbearer)", sanitize(cred.Mechanism, 40))
	}
	if _, isTLS := c.TLS(); !isTLS && !cred.AllowCleartext {
		return "", ErrCleartext
	}
	if c.loginTried {
		return "", errors.New("pop3: this connection already tried to log in: connect again to retry (one attempt per session)")
	}
	if !c.capsAsked {
		if _, err := c.Capa(ctx); err != nil {
			return "", err
		}
	}
	if c.caps.UTF8 {
		// A refusal is not fatal: the login may still work in ASCII.
		var se *Error
		if err := c.UTF8(ctx); err != nil && !errors.As(err, &se) {
			return "", err
		}
	}
	if mech == MechAuto {
		if mech, err = c.choose(cred); err != nil {
			return "", err
		}
	}
	if err := c.authenticate(ctx, mech, cred); err != nil {
		return mech, err
	}
	if _, err := c.Capa(ctx); err != nil {
		return mech, err
	}
	return mech, nil
}

// choose picks the mechanism for "auto" from the capabilities.
func (c *Client) choose(cred Credentials) (string, error) {
	caps := c.caps
	if cred.Token != nil {
		switch {
		case caps.HasSASL(sasl.OAuthBearer):
			return MechOAuthBearer, nil
		case caps.HasSASL(saslmech.XOAUTH2):
			return MechXOAUTH2, nil
		}
	}
	if cred.Password != "" {
		switch {
		case caps.HasSASL(sasl.Plain):
			return MechPlain, nil
		case caps.HasSASL(sasl.Login):
			return MechLogin, nil
		case caps.User || !caps.Known:
			return MechUser, nil
		}
	}
	offered := "USER not offered, SASL " + strings.Join(caps.SASL, " ")
	if len(caps.SASL) == 0 {
		offered = "USER not offered, no SASL mechanism"
	}
	switch {
	case cred.Password == "" && cred.Token == nil:
		return "", fmt.Errorf("%w: no password or token given", ErrNoMechanism)
	case cred.Password == "":
		return "", fmt.Errorf("%w: a token is given but the server offers neither OAUTHBEARER nor XOAUTH2 (%s)", ErrNoMechanism, offered)
	}
	return "", fmt.Errorf("%w: the server offers no password mechanism popterm picks by itself (%s); name one (apop, cram-md5) to use it", ErrNoMechanism, offered)
}

// authenticate runs one mechanism, the session's only attempt.
func (c *Client) authenticate(ctx context.Context, mech string, cred Credentials) error {
	c.loginTried = true
	c.sec.add(cred.Password)
	c.username = cred.Username
	switch mech {
	case MechUser:
		if err := c.User(ctx, cred.Username); err != nil {
			return err
		}
		return c.Pass(ctx, cred.Password)
	case MechAPOP:
		return c.APOP(ctx, cred.Username, cred.Password)
	case MechPlain:
		return c.Auth(ctx, sasl.NewPlainClient("", cred.Username, cred.Password))
	case MechLogin:
		return c.Auth(ctx, sasl.NewLoginClient(cred.Username, cred.Password))
	case MechCRAMMD5:
		return c.Auth(ctx, saslmech.NewCRAMMD5Client(cred.Username, cred.Password))
	}
	if cred.Token == nil {
		return fmt.Errorf("%w: %s needs an OAuth2 token command", ErrNoMechanism, mech)
	}
	token, err := cred.Token(ctx)
	if err != nil {
		return fmt.Errorf("pop3: getting the OAuth2 token: %w", err)
	}
	if token == "" {
		return errors.New("pop3: the OAuth2 token command gave an empty token")
	}
	c.sec.add(token)
	if mech == MechXOAUTH2 {
		return c.Auth(ctx, saslmech.NewXOAUTH2Client(cred.Username, token))
	}
	return c.Auth(ctx, sasl.NewOAuthBearerClient(&sasl.OAuthBearerOptions{
		Username: cred.Username, Token: token, Host: c.host, Port: c.port,
	}))
}

// User sends USER. It does not check for TLS: Login does.
func (c *Client) User(ctx context.Context, username string) error {
	if username == "" {
		return errors.New("pop3: USER: the user name is empty")
	}
	c.username = username
	_, err := c.simple(ctx, "USER", "", "USER", username)
	return err
}

// Pass sends PASS. The password never appears in the trace or an error.
func (c *Client) Pass(ctx context.Context, password string) error {
	c.sec.add(password)
	_, err := c.simple(ctx, "PASS", "PASS "+redacted, "PASS", password)
	return err
}

// APOP authenticates with the greeting's timestamp (RFC 1939 section 7).
// APOP is weak (CVE-2007-1558): use it only over TLS.
func (c *Client) APOP(ctx context.Context, username, secret string) error {
	c.username = username
	if c.timestamp == "" {
		return errors.New("pop3: APOP: the server's greeting has no timestamp, so it does not offer APOP")
	}
	sum := md5.Sum([]byte(c.timestamp + secret))
	digest := hex.EncodeToString(sum[:])
	c.sec.add(secret)
	c.sec.add(digest)
	_, err := c.simple(ctx, "APOP", "APOP "+username+" "+redacted, "APOP", username, digest)
	return err
}

// Auth runs a SASL exchange (RFC 5034). The initial response goes on the
// AUTH line when the line stays within 255 octets, else after the first
// challenge; a client-side failure cancels the exchange with "*". Payloads
// are redacted from the trace and from server text.
func (c *Client) Auth(ctx context.Context, mech sasl.Client) error {
	name, ir, err := mech.Start()
	if err != nil {
		return fmt.Errorf("pop3: AUTH: %w", err)
	}
	name = strings.ToUpper(name)
	if !validMechName(name) {
		return fmt.Errorf("pop3: AUTH: invalid mechanism name %q", sanitize(name, 40))
	}
	label := "AUTH " + name
	c.addPayload(ir)
	if err := c.begin(ctx, label); err != nil {
		return err
	}
	return c.end(label, c.sasl(label, name, ir, mech))
}

// validMechName checks an RFC 4422 mechanism name.
func validMechName(name string) bool {
	caps := Capabilities{}
	caps.addSASL(name)
	return len(caps.SASL) == 1
}

// sasl runs the exchange after AUTH has been prepared.
func (c *Client) sasl(label, name string, ir []byte, mech sasl.Client) error {
	line, traced := "AUTH "+name, "AUTH "+name
	irPending := ir != nil
	if ir != nil {
		enc := "="
		if len(ir) > 0 {
			enc = base64.StdEncoding.EncodeToString(ir)
		}
		if len(line)+1+len(enc)+2 <= maxAuthLine {
			line, traced, irPending = line+" "+enc, traced+" "+redacted, false
		}
	}
	if err := c.send(line, traced); err != nil {
		return c.writeFailed(label, err)
	}
	for round := 0; ; round++ {
		c.nio.startReply(label, 0)
		raw, err := c.readLine(MaxStatusLength)
		if err != nil {
			return err
		}
		c.traceReply(raw)
		if !isChallenge(raw) {
			st, err := parseStatus(raw)
			if err != nil {
				return c.badReply(raw)
			}
			if !st.ok {
				return c.refusal(label, st)
			}
			return nil
		}
		if round == maxSASLRounds {
			return c.cancelAuth(label, fmt.Errorf("more than %d challenges", maxSASLRounds))
		}
		challenge, err := decodeChallenge(raw)
		if err != nil {
			return c.cancelAuth(label, err)
		}
		var resp []byte
		if irPending {
			resp, irPending = ir, false // RFC 5034: the deferred initial response
		} else if resp, err = mech.Next(challenge); err != nil {
			var oe *sasl.OAuthBearerError
			if !errors.As(err, &oe) {
				return c.cancelAuth(label, err)
			}
			resp = []byte{0x01} // RFC 7628 section 3.2.3: acknowledge the error
		}
		c.addPayload(resp)
		if err := c.send(base64.StdEncoding.EncodeToString(resp), redacted); err != nil {
			return c.writeFailed(label, err)
		}
	}
}

// isChallenge reports a "+ " continuation (or a bare "+"), not "+OK".
func isChallenge(line []byte) bool {
	return len(line) >= 1 && line[0] == '+' && (len(line) == 1 || line[1] == ' ')
}

// decodeChallenge decodes the base64 text of a continuation line.
func decodeChallenge(line []byte) ([]byte, error) {
	text := string(bytes.TrimSpace(line[1:]))
	b, err := base64.StdEncoding.DecodeString(text)
	if err != nil {
		b, err = base64.RawStdEncoding.DecodeString(text)
	}
	if err != nil {
		return nil, errors.New("server challenge is not base64")
	}
	return b, nil
}

// cancelAuth sends "*" and reads the server's answer, leaving the stream in
// step; it returns the client-side cause.
func (c *Client) cancelAuth(label string, cause error) error {
	if err := c.send("*", "*"); err != nil {
		return err
	}
	if _, err := c.readStatus(label); err != nil {
		var se *Error
		if !errors.As(err, &se) {
			return err
		}
	}
	return &authCancelled{label: label, err: cause}
}

// authCancelled is a client-side failure of a SASL exchange; the exchange
// was cancelled and the connection stays usable.
type authCancelled struct {
	label string
	err   error
}

func (e *authCancelled) Error() string {
	return "pop3: " + e.label + ": " + e.err.Error() + " (authentication cancelled)"
}
func (e *authCancelled) Unwrap() error { return e.err }

// addPayload remembers a SASL payload (raw, base64, and its \0- or
// \1-separated fields) as secret. The user name known from Login is not a
// secret and stays readable in server text.
func (c *Client) addPayload(p []byte) {
	if len(p) == 0 {
		return
	}
	c.sec.add(base64.StdEncoding.EncodeToString(p))
	for _, f := range append(bytes.FieldsFunc(p, func(r rune) bool { return r == 0 || r == 1 }), p) {
		f = bytes.TrimPrefix(f, []byte("auth=Bearer "))
		if len(f) >= 4 && string(f) != c.username && string(f) != "user="+c.username {
			c.sec.add(string(f))
		}
	}
}

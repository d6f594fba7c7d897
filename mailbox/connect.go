package mailbox

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/mailapi"
	"github.com/popterm/popterm/pop3"
)

// Meta keys the engine keeps in the store.
const (
	metaLastSync     = "mailbox.last_sync"      // RFC 3339 time of the last successful sync
	metaLastLogin    = "mailbox.last_login"     // RFC 3339 time of the last successful login
	metaLoginDelay   = "mailbox.login_delay"    // the server's LOGIN-DELAY in seconds
	metaNotBefore    = "mailbox.login_after"    // RFC 3339: the server asked us to wait until then
	metaWarnedExpire = "mailbox.warned_expire0" // "1" once the EXPIRE 0 warning was given
)

// defaultLoginWait is how long to wait after a [LOGIN-DELAY] refusal when the
// server did not advertise its delay.
const defaultLoginWait = 5 * time.Minute

// metaTime reads a time stored under key (zero when absent or unreadable).
func (e *Engine) metaTime(key string) time.Time {
	v, err := e.store.Meta(key)
	if err != nil || v == "" {
		return time.Time{}
	}
	t, err := time.Parse(time.RFC3339Nano, v)
	if err != nil {
		return time.Time{}
	}
	return t
}

// setMetaTime stores t under key; failures only lose a hint, so they are
// returned for the caller to report as a warning at most.
func (e *Engine) setMetaTime(key string, t time.Time) error {
	return e.store.SetMeta(key, t.UTC().Format(time.RFC3339Nano))
}

// nextLogin returns the earliest time the server allows the next login
// (zero when it may be now).
func (e *Engine) nextLogin() time.Time {
	next := e.metaTime(metaNotBefore)
	if last := e.metaTime(metaLastLogin); !last.IsZero() {
		if v, err := e.store.Meta(metaLoginDelay); err == nil && v != "" {
			if secs, err := strconv.Atoi(v); err == nil && secs > 0 {
				if t := last.Add(time.Duration(secs) * time.Second); t.After(next) {
					next = t
				}
			}
		}
	}
	if !next.After(e.now()) {
		return time.Time{}
	}
	return next
}

// NextLogin returns when the server next allows a login (LOGIN-DELAY), or
// the zero time when a login may happen now.
func (e *Engine) NextLogin() time.Time { return e.nextLogin() }

// connect dials the account, authenticates and returns the client with its
// capabilities as known after login. It refuses to log in sooner than the
// server's LOGIN-DELAY allows.
func (e *Engine) connect(ctx context.Context, opts SyncOptions) (*pop3.Client, error) {
	if next := e.nextLogin(); !next.IsZero() {
		return nil, &Error{Kind: KindTryLater, Msg: fmt.Sprintf(
			"the server allows the next login at %s (LOGIN-DELAY); try again then",
			next.Local().Format("15:04:05")), Err: &mailapi.LoginDelayError{Until: next}, Whole: true}
	}
	emit(opts, Progress{Phase: PhaseConnect})
	c, err := e.dial(ctx)
	if err != nil {
		return nil, err
	}
	emit(opts, Progress{Phase: PhaseLogin})
	err = e.login(ctx, c)
	if err == nil {
		return c, nil
	}
	c.Close()
	if !e.mayRetryToken(err) {
		return nil, err
	}
	// The server refused an access token that looked valid (revoked early,
	// or expired sooner than announced): refresh it and log in once more,
	// on a new connection since each allows one attempt.
	if _, rerr := e.creds.Refresh(ctx); rerr != nil {
		return nil, tokenError(rerr)
	}
	if c, err = e.dial(ctx); err != nil {
		return nil, err
	}
	if err := e.login(ctx, c); err != nil {
		c.Close()
		return nil, err
	}
	return c, nil
}

// mayRetryToken reports whether a failed login is the server refusing an
// OAuth2 token that a refresh may replace.
func (e *Engine) mayRetryToken(err error) bool {
	return e.creds.Refresh != nil && e.acct.UsesToken() && isRefusal(err) && Classify(err) == KindCredentials
}

// tokenError is a failure to get an access token, of the kind its cause
// says (a refused sign-in is of the credentials kind) and worded by it.
func tokenError(err error) error {
	kind := Classify(err)
	if kind == KindOther {
		kind = KindConfig
	}
	return &Error{Kind: kind, Msg: "get the OAuth2 access token", Err: err} // err names the account
}

// dial connects as the account's TLS mode says and reads the greeting.
func (e *Engine) dial(ctx context.Context) (*pop3.Client, error) {
	return dialAccount(ctx, e.acct)
}

// dialAccount connects as the account's TLS mode says (implicit TLS when
// unset, STARTTLS, or none) and reads the greeting. It is the one way
// popterm reaches a server: syncs, commits, bodies on demand and probes.
func dialAccount(ctx context.Context, acct *config.Account) (*pop3.Client, error) {
	opts := &pop3.Options{DialTimeout: acct.Timeout, CommandTimeout: acct.Timeout, MinRate: acct.MinRate}
	mode := acct.TLS
	if mode != config.TLSNone {
		cfg, err := acct.TLSConfig()
		if err != nil {
			return nil, &Error{Kind: KindConfig, Msg: fmt.Sprintf("account %s: TLS settings", acct.Name), Err: err}
		}
		opts.TLSConfig = cfg
	}
	addr := acct.Addr()
	var c *pop3.Client
	var err error
	switch mode {
	case config.TLSImplicit, "":
		c, err = pop3.DialTLS(ctx, addr, opts)
	case config.TLSStartTLS:
		c, err = pop3.DialStartTLS(ctx, addr, opts)
	case config.TLSNone:
		c, err = pop3.Dial(ctx, addr, opts)
	default:
		return nil, &Error{Kind: KindConfig, Msg: fmt.Sprintf("account %s: unknown tls mode %q (use implicit, starttls or none)", acct.Name, mode)}
	}
	if err != nil {
		return nil, err // the pop3 error names the address
	}
	return c, nil
}

// authenticate logs in with the account's mechanism and the secret the
// account uses (config.Account.UsesToken): the one login of syncs,
// commits, bodies on demand and probes. It returns the mechanism used.
func authenticate(ctx context.Context, c *pop3.Client, acct *config.Account, creds Credentials) (string, error) {
	cred := pop3.Credentials{
		Username:       acct.Username,
		Mechanism:      strings.ToLower(acct.Auth),
		AllowCleartext: acct.AllowCleartextAuth,
	}
	if acct.UsesToken() {
		token := creds.Token
		if token == nil {
			return "", &Error{Kind: KindConfig, Msg: fmt.Sprintf("account %s: no OAuth2 token source (set oauth2, or oauth2_token_cmd)", acct.Name)}
		}
		if creds.Refresh != nil {
			// The built-in sign-in: a token that cannot be had is a
			// sentence of its own, not a failed AUTH command.
			tok, err := token(ctx)
			if err != nil {
				return "", tokenError(err)
			}
			token = func(context.Context) (string, error) { return tok, nil }
		}
		cred.Token = token
	} else {
		if creds.Password == nil {
			return "", &Error{Kind: KindConfig, Msg: fmt.Sprintf("account %s: no password source (set password_cmd or store one in the keyring)", acct.Name)}
		}
		pw, err := creds.Password(ctx)
		if err != nil {
			return "", &Error{Kind: KindConfig, Msg: fmt.Sprintf("account %s: get the password", acct.Name), Err: err}
		}
		cred.Password = pw
	}
	mech, err := c.Login(ctx, cred)
	if err != nil {
		return "", fmt.Errorf("log in as %s: %w", acct.Username, err)
	}
	return mech, nil
}

// login authenticates, records the login time for LOGIN-DELAY, and turns a
// [LOGIN-DELAY] refusal into a remembered wait.
func (e *Engine) login(ctx context.Context, c *pop3.Client) error {
	if _, err := authenticate(ctx, c, e.acct, e.creds); err != nil {
		var pe *pop3.Error
		if errors.As(err, &pe) && pe.Code == pop3.CodeLoginDelay {
			// After a refused login, Caps is still the CAPA Login asked for
			// before authenticating (Login asks again only on success).
			wait := defaultLoginWait
			if caps := c.Caps(); caps.HasLoginDelay && caps.LoginDelay > 0 {
				wait = caps.LoginDelay
			}
			next := e.now().Add(wait)
			_ = e.setMetaTime(metaNotBefore, next)
			return &Error{Kind: KindTryLater, Msg: fmt.Sprintf(
				"the server refused a login this soon (LOGIN-DELAY); try again after %s", next.Local().Format("15:04:05")),
				Err: &mailapi.LoginDelayError{Until: next, Err: err}}
		}
		return err
	}
	now := e.now()
	_ = e.setMetaTime(metaLastLogin, now)
	delay := ""
	if caps := c.Caps(); caps != nil && caps.HasLoginDelay && caps.LoginDelay > 0 {
		delay = strconv.Itoa(int(caps.LoginDelay / time.Second))
	}
	_ = e.store.SetMeta(metaLoginDelay, delay)
	return nil
}

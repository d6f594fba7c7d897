package signin

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"html"
	"io"
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"

	"golang.org/x/oauth2"

	"github.com/popterm/popterm/message"
)

// DefaultTimeout is how long a sign-in waits for the user.
const DefaultTimeout = 5 * time.Minute

// Errors of the sign-in flows.
var (
	// ErrTimeout: the user did not finish signing in within the timeout.
	ErrTimeout = errors.New("no sign-in in time")
	// ErrCancelled: the sign-in was interrupted (Ctrl-C).
	ErrCancelled = errors.New("sign-in cancelled")
	// ErrWrongState: the browser came back with a state that this sign-in
	// did not send (a stale tab, or a forged request).
	ErrWrongState = errors.New("the answer does not belong to this sign-in (wrong state)")
	// ErrDeclined: the user or the provider refused the sign-in.
	ErrDeclined = errors.New("the sign-in was declined")
)

// Options are what the flows need besides the provider's configuration.
type Options struct {
	// Out receives the instructions (the URL to open, the device code).
	Out io.Writer
	// Open opens a URL in a browser; OpenBrowser when nil.
	Open func(url string) error
	// Timeout bounds the wait for the user; DefaultTimeout when zero.
	Timeout time.Duration
	// LoginHint pre-fills the account at the provider (the user name).
	LoginHint string
	// Offline asks Google for a refresh token (access_type=offline).
	Offline bool
	// HTTPClient talks to the token endpoint (30 s timeout when nil).
	HTTPClient *http.Client
}

func (o *Options) timeout() time.Duration {
	if o.Timeout > 0 {
		return o.Timeout
	}
	return DefaultTimeout
}

func (o *Options) httpContext(ctx context.Context) context.Context {
	c := o.HTTPClient
	if c == nil {
		c = &http.Client{Timeout: httpTimeout}
	}
	return context.WithValue(ctx, oauth2.HTTPClient, c)
}

// waitError says why a wait for the user ended without a sign-in.
func waitError(parent context.Context, d time.Duration) error {
	if parent.Err() != nil {
		return ErrCancelled
	}
	return fmt.Errorf("%w: nothing came back within %s, so popterm gave up", ErrTimeout, formatWait(d))
}

func formatWait(d time.Duration) string {
	if d%time.Minute == 0 {
		return strconv.Itoa(int(d/time.Minute)) + " minutes"
	}
	return d.String()
}

// AuthCode signs in with the authorization-code flow (RFC 6749 4.1) and
// PKCE S256 (RFC 7636): it listens on a random port of 127.0.0.1 for the
// redirect (RFC 8252), prints the authorization URL and opens it in the
// browser, checks the returned state, trades the code and the verifier for
// tokens, and shows the browser a page saying whether it worked. It gives up
// after the timeout (ErrTimeout) and stops when ctx ends (ErrCancelled).
func AuthCode(ctx context.Context, cfg *oauth2.Config, opts Options) (*oauth2.Token, error) {
	if cfg.Endpoint.AuthURL == "" {
		return nil, errors.New("the provider has no authorization URL for a browser sign-in (set oauth2_auth_url, or use --device)")
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("listening on 127.0.0.1 for the browser's answer: %w", err)
	}
	defer ln.Close()
	c := *cfg
	c.RedirectURL = "http://" + ln.Addr().String() + "/"
	verifier := oauth2.GenerateVerifier()
	state, err := randomState()
	if err != nil {
		return nil, err
	}
	params := []oauth2.AuthCodeOption{oauth2.S256ChallengeOption(verifier)}
	if opts.LoginHint != "" {
		params = append(params, oauth2.SetAuthURLParam("login_hint", opts.LoginHint))
	}
	if opts.Offline {
		params = append(params, oauth2.AccessTypeOffline)
	}
	authURL := c.AuthCodeURL(state, params...)

	wait, cancel := context.WithTimeout(ctx, opts.timeout())
	defer cancel()
	cb := &callback{
		cfg: &c, state: state, verifier: verifier,
		ctx: opts.httpContext(wait), done: make(chan result, 1),
	}
	srv := &http.Server{Handler: cb, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer func() {
		shut, stop := context.WithTimeout(context.Background(), 5*time.Second)
		defer stop()
		srv.Shutdown(shut)
	}()

	out := opts.Out
	if out == nil {
		out = io.Discard
	}
	open := opts.Open
	if open == nil {
		open = OpenBrowser
	}
	fmt.Fprintf(out, "Sign in with your browser at this address:\n\n  %s\n\n", authURL)
	if err := open(authURL); err != nil {
		fmt.Fprintf(out, "(could not open a browser: %s; open the address yourself, or use --device)\n", message.SanitizeLine(err.Error()))
	}
	fmt.Fprintf(out, "Waiting for the browser (up to %s; Ctrl-C cancels)...\n", formatWait(opts.timeout()))

	select {
	case r := <-cb.done:
		return r.tok, r.err
	case <-wait.Done():
		return nil, waitError(ctx, opts.timeout())
	}
}

// randomState is an unguessable state value (RFC 6749 10.12).
func randomState() (string, error) {
	b := make([]byte, 24)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("random state: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

// result is the outcome of the browser's answer.
type result struct {
	tok *oauth2.Token
	err error
}

// callback is the loopback redirect endpoint. The first answer that carries
// this sign-in's state ends the sign-in; one with a wrong state ends it too
// (with ErrWrongState), since it means the flow can no longer be trusted.
type callback struct {
	cfg             *oauth2.Config
	state, verifier string
	ctx             context.Context
	done            chan result
	once            sync.Once
}

func (cb *callback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/" {
		http.NotFound(w, r)
		return
	}
	handled := false
	cb.once.Do(func() {
		handled = true
		tok, err := cb.answer(r)
		if err != nil {
			page(w, http.StatusBadRequest, "popterm: sign-in failed", err.Error()+". Return to the terminal.")
		} else {
			page(w, http.StatusOK, "popterm: signed in", "Sign-in worked. You can close this tab and return to the terminal.")
		}
		cb.done <- result{tok, err}
	})
	if !handled {
		page(w, http.StatusGone, "popterm", "This sign-in is already over. Return to the terminal.")
	}
}

// answer checks the redirect and trades the code for tokens.
func (cb *callback) answer(r *http.Request) (*oauth2.Token, error) {
	q := r.URL.Query()
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(cb.state)) != 1 {
		return nil, ErrWrongState
	}
	if e := q.Get("error"); e != "" {
		why := e
		if d := q.Get("error_description"); d != "" {
			why += ": " + firstSentence(d)
		}
		return nil, fmt.Errorf("%w by the provider (%s)", ErrDeclined, message.SanitizeLine(why))
	}
	code := q.Get("code")
	if code == "" {
		return nil, errors.New("the provider's answer has no authorization code")
	}
	tok, err := cb.cfg.Exchange(cb.ctx, code, oauth2.VerifierOption(cb.verifier))
	if err != nil {
		return nil, exchangeError(err)
	}
	return tok, nil
}

// exchangeError says why the token endpoint refused the code.
func exchangeError(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) && re.ErrorCode != "" {
		why := re.ErrorCode
		if re.ErrorDescription != "" {
			why += ": " + firstSentence(re.ErrorDescription)
		}
		return fmt.Errorf("the provider refused to issue tokens (%s)", message.SanitizeLine(why))
	}
	return fmt.Errorf("getting the tokens: %w", err)
}

// page writes a small HTML page for the browser.
func page(w http.ResponseWriter, status int, title, text string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.Header().Set("Content-Security-Policy", "default-src 'none'")
	w.WriteHeader(status)
	fmt.Fprintf(w, "<!doctype html><html><head><meta charset=\"utf-8\"><title>%s</title></head>"+
		"<body style=\"font-family:sans-serif;margin:3em\"><h1>%s</h1><p>%s</p></body></html>\n",
		html.EscapeString(title), html.EscapeString(title), html.EscapeString(text))
}

// Device signs in with the device authorization grant (RFC 8628): it shows
// the user code and the address to enter it at, then polls the token
// endpoint at the server's interval, slowing down when asked (slow_down).
// It gives up when the code expires or after the timeout, and stops when
// ctx ends.
func Device(ctx context.Context, cfg *oauth2.Config, opts Options) (*oauth2.Token, error) {
	d, err := StartDevice(ctx, cfg, opts)
	if err != nil {
		return nil, err
	}
	out := opts.Out
	if out == nil {
		out = io.Discard
	}
	fmt.Fprintf(out, "On any device with a browser, open\n\n  %s\n\nand enter the code\n\n  %s\n\n", d.URL, d.Code)
	if d.CompleteURL != "" {
		fmt.Fprintf(out, "(or open %s, which carries the code)\n", d.CompleteURL)
	}
	fmt.Fprintf(out, "Waiting for the sign-in (Ctrl-C cancels)...\n")
	return d.Wait(ctx)
}

// DeviceCode is a device sign-in that has started: the code the user
// enters and where, all sanitized for a terminal. Wait finishes it.
type DeviceCode struct {
	// URL is where the user enters the code.
	URL string
	// Code is the user code.
	Code string
	// CompleteURL is an address that carries the code (empty when the
	// provider gives none).
	CompleteURL string

	cfg  *oauth2.Config
	da   *oauth2.DeviceAuthResponse
	opts Options
}

// StartDevice asks the provider for a device code (RFC 8628 3.1); the
// caller shows it, then calls Wait.
func StartDevice(ctx context.Context, cfg *oauth2.Config, opts Options) (*DeviceCode, error) {
	if cfg.Endpoint.DeviceAuthURL == "" {
		return nil, errors.New("the provider has no device authorization URL (set oauth2_device_url, or sign in without --device)")
	}
	wait, cancel := context.WithTimeout(ctx, opts.timeout())
	defer cancel()
	da, err := cfg.DeviceAuth(opts.httpContext(wait))
	if err != nil {
		if wait.Err() != nil {
			return nil, waitError(ctx, opts.timeout())
		}
		return nil, exchangeError(err)
	}
	return &DeviceCode{
		URL: message.SanitizeLine(da.VerificationURI), Code: message.SanitizeLine(da.UserCode),
		CompleteURL: message.SanitizeLine(da.VerificationURIComplete),
		cfg:         cfg, da: da, opts: opts,
	}, nil
}

// Wait polls the token endpoint until the user has signed in, the code
// expires or the timeout passes (ErrTimeout), the user or provider refuses
// (ErrDeclined), or ctx ends (ErrCancelled).
func (d *DeviceCode) Wait(ctx context.Context) (*oauth2.Token, error) {
	wait, cancel := context.WithTimeout(ctx, d.opts.timeout())
	defer cancel()
	tok, err := d.cfg.DeviceAccessToken(d.opts.httpContext(wait), d.da)
	if err == nil {
		return tok, nil
	}
	var re *oauth2.RetrieveError
	switch {
	case errors.As(err, &re) && re.ErrorCode == "access_denied":
		return nil, fmt.Errorf("%w at the provider", ErrDeclined)
	case errors.As(err, &re) && re.ErrorCode == "expired_token",
		errors.Is(err, context.DeadlineExceeded) && ctx.Err() == nil && wait.Err() == nil:
		return nil, fmt.Errorf("%w: the code expired before the sign-in was completed", ErrTimeout)
	case wait.Err() != nil:
		return nil, waitError(ctx, d.opts.timeout())
	}
	return nil, exchangeError(err)
}

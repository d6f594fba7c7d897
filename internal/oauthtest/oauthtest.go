// Package oauthtest is an OAuth 2.0 authorization server for tests, on a
// random port of 127.0.0.1. It serves the authorization endpoint with PKCE
// verification (RFC 7636, S256 only) and an automatic consent (it redirects
// straight back to the client's loopback redirect URI), the token endpoint
// (authorization_code, refresh_token and device_code grants, RFC 6749 and
// RFC 8628), device authorization (RFC 8628), revocation (RFC 7009) and
// token introspection (RFC 7662), which a real Dovecot's oauth2 passdb uses
// to check XOAUTH2 and OAUTHBEARER logins.
//
// Tests steer it (a wrong state, slow_down, expired access tokens, revoked
// grants) and read what it saw (refreshes, polls that came too soon, every
// token it issued, to search the disk for them).
package oauthtest

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"
)

// DeviceGrantType is RFC 8628's grant type.
const DeviceGrantType = "urn:ietf:params:oauth:grant-type:device_code"

// Server is a running authorization server. Its methods are safe for
// concurrent use.
type Server struct {
	// URL is the base address, http://127.0.0.1:PORT.
	URL string
	// ClientID is the only client it accepts.
	ClientID string
	// User is the user name introspection reports (the mailbox's login).
	User string

	srv *httptest.Server

	mu          sync.Mutex
	accessTTL   time.Duration
	interval    int
	wrongState  bool
	slowDown    bool
	rotate      bool
	codes       map[string]*authCode
	grants      map[string]*grant // by refresh token
	access      map[string]*accessToken
	devices     map[string]*device
	issued      []string
	refreshes   int
	tooSoon     int
	polls       int
	introspects int
}

type authCode struct {
	challenge, redirect, scope string
	used                       bool
}

type grant struct {
	refresh string
	scope   string
	revoked bool
}

type accessToken struct {
	g       *grant
	expires time.Time
}

type device struct {
	scope    string
	lastPoll time.Time
	polls    int
	done     bool
}

// Option changes a Server.
type Option func(*Server)

// WithAccessTTL sets the lifetime of access tokens (1 hour otherwise).
func WithAccessTTL(d time.Duration) Option { return func(s *Server) { s.accessTTL = d } }

// WithInterval sets the device grant's polling interval in seconds (1
// otherwise).
func WithInterval(seconds int) Option { return func(s *Server) { s.interval = seconds } }

// WithRotation issues a new refresh token with every refresh and makes the
// old one invalid, as Microsoft does.
func WithRotation() Option { return func(s *Server) { s.rotate = true } }

// Start starts a server for the test and stops it when the test ends. user
// is the login name that introspection reports.
func Start(t testing.TB, user string, opts ...Option) *Server {
	t.Helper()
	s := &Server{
		ClientID: "popterm-test-client", User: user,
		accessTTL: time.Hour, interval: 1,
		codes: map[string]*authCode{}, grants: map[string]*grant{},
		access: map[string]*accessToken{}, devices: map[string]*device{},
	}
	for _, o := range opts {
		o(s)
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /authorize", s.authorize)
	mux.HandleFunc("POST /token", s.token)
	mux.HandleFunc("POST /device", s.deviceAuth)
	mux.HandleFunc("POST /revoke", s.revoke)
	mux.HandleFunc("POST /introspect", s.introspect)
	s.srv = httptest.NewServer(mux) // 127.0.0.1
	s.URL = s.srv.URL
	t.Cleanup(s.srv.Close)
	return s
}

// AuthURL is the authorization endpoint.
func (s *Server) AuthURL() string { return s.URL + "/authorize" }

// TokenURL is the token endpoint.
func (s *Server) TokenURL() string { return s.URL + "/token" }

// DeviceURL is the device authorization endpoint.
func (s *Server) DeviceURL() string { return s.URL + "/device" }

// RevokeURL is the revocation endpoint (RFC 7009).
func (s *Server) RevokeURL() string { return s.URL + "/revoke" }

// IntrospectURL is the introspection endpoint (RFC 7662).
func (s *Server) IntrospectURL() string { return s.URL + "/introspect" }

// SetWrongState makes the authorization endpoint send back a state other
// than the client's, as a forged or stale answer would.
func (s *Server) SetWrongState(on bool) { s.mu.Lock(); s.wrongState = on; s.mu.Unlock() }

// SetSlowDown makes the first poll of each device code answer slow_down.
func (s *Server) SetSlowDown(on bool) { s.mu.Lock(); s.slowDown = on; s.mu.Unlock() }

// ExpireAccessTokens makes every access token issued so far inactive, as
// if its lifetime had passed (clients still believe it valid).
func (s *Server) ExpireAccessTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, a := range s.access {
		a.expires = time.Now().Add(-time.Second)
	}
}

// RevokeAll revokes every grant: refreshes answer invalid_grant and
// introspection says inactive.
func (s *Server) RevokeAll() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, g := range s.grants {
		g.revoked = true
	}
}

// Refreshes counts the refresh_token grants that succeeded.
func (s *Server) Refreshes() int { s.mu.Lock(); defer s.mu.Unlock(); return s.refreshes }

// Polls counts the device-code polls.
func (s *Server) Polls() int { s.mu.Lock(); defer s.mu.Unlock(); return s.polls }

// TooSoon counts device-code polls that came before the interval passed.
func (s *Server) TooSoon() int { s.mu.Lock(); defer s.mu.Unlock(); return s.tooSoon }

// Introspections counts introspection requests (Dovecot's checks).
func (s *Server) Introspections() int { s.mu.Lock(); defer s.mu.Unlock(); return s.introspects }

// Issued returns every access and refresh token issued so far.
func (s *Server) Issued() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.issued...)
}

// RefreshTokens returns the refresh tokens of the grants not revoked.
func (s *Server) RefreshTokens() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for rt, g := range s.grants {
		if !g.revoked {
			out = append(out, rt)
		}
	}
	return out
}

func random(prefix string) string {
	b := make([]byte, 24)
	rand.Read(b)
	return prefix + base64.RawURLEncoding.EncodeToString(b)
}

// oauthError writes RFC 6749 section 5.2's error response.
func oauthError(w http.ResponseWriter, status int, code, desc string) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(map[string]string{"error": code, "error_description": desc})
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Cache-Control", "no-store")
	json.NewEncoder(w).Encode(v)
}

// isLoopbackRedirect accepts http://127.0.0.1:PORT/... (RFC 8252 7.3).
func isLoopbackRedirect(s string) bool {
	u, err := url.Parse(s)
	return err == nil && u.Scheme == "http" && u.Hostname() == "127.0.0.1" && u.Port() != ""
}

// authorize checks the request and consents at once, redirecting back.
func (s *Server) authorize(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	redirect := q.Get("redirect_uri")
	if q.Get("client_id") != s.ClientID || !isLoopbackRedirect(redirect) {
		http.Error(w, "unknown client or redirect URI", http.StatusBadRequest)
		return
	}
	back, _ := url.Parse(redirect)
	v := url.Values{}
	state := q.Get("state")
	s.mu.Lock()
	if s.wrongState {
		state = "not-" + state
	}
	switch {
	case q.Get("response_type") != "code":
		v.Set("error", "unsupported_response_type")
	case q.Get("code_challenge_method") != "S256" || len(q.Get("code_challenge")) != 43:
		v.Set("error", "invalid_request")
		v.Set("error_description", "PKCE with S256 is required")
	default:
		code := random("code-")
		s.codes[code] = &authCode{challenge: q.Get("code_challenge"), redirect: redirect, scope: q.Get("scope")}
		v.Set("code", code)
	}
	s.mu.Unlock()
	v.Set("state", state)
	back.RawQuery = v.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// clientOK checks the client ID, from the form or HTTP basic auth.
func (s *Server) clientOK(r *http.Request) bool {
	id := r.PostForm.Get("client_id")
	if u, _, ok := r.BasicAuth(); ok {
		id = u
	}
	return id == s.ClientID
}

// issueLocked creates a grant's tokens and writes the response.
func (s *Server) issueLocked(w http.ResponseWriter, g *grant, newRefresh bool) {
	at := random("at-")
	s.access[at] = &accessToken{g: g, expires: time.Now().Add(s.accessTTL)}
	s.issued = append(s.issued, at)
	resp := map[string]any{
		"access_token": at, "token_type": "Bearer",
		"expires_in": int(s.accessTTL / time.Second), "scope": g.scope,
	}
	if newRefresh {
		delete(s.grants, g.refresh)
		g.refresh = random("rt-")
		s.grants[g.refresh] = g
		s.issued = append(s.issued, g.refresh)
		resp["refresh_token"] = g.refresh
	}
	writeJSON(w, resp)
}

// token serves the three grants.
func (s *Server) token(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || !s.clientOK(r) {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "unknown client")
		return
	}
	f := r.PostForm
	s.mu.Lock()
	defer s.mu.Unlock()
	switch f.Get("grant_type") {
	case "authorization_code":
		c := s.codes[f.Get("code")]
		if c == nil || c.used {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "unknown or used code")
			return
		}
		c.used = true // one attempt per code, right or wrong
		sum := sha256.Sum256([]byte(f.Get("code_verifier")))
		if base64.RawURLEncoding.EncodeToString(sum[:]) != c.challenge {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "PKCE verification failed")
			return
		}
		if f.Get("redirect_uri") != c.redirect {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "redirect_uri differs")
			return
		}
		s.issueLocked(w, &grant{scope: c.scope}, true)
	case "refresh_token":
		g := s.grants[f.Get("refresh_token")]
		if g == nil || g.revoked {
			oauthError(w, http.StatusBadRequest, "invalid_grant", "the refresh token is revoked or unknown")
			return
		}
		s.refreshes++
		s.issueLocked(w, g, s.rotate)
	case DeviceGrantType:
		s.pollLocked(w, f.Get("device_code"))
	default:
		oauthError(w, http.StatusBadRequest, "unsupported_grant_type", "")
	}
}

// pollLocked answers a device-code poll: the first poll is pending (or
// slow_down), the next one gets the tokens, as if the user had approved in
// between.
func (s *Server) pollLocked(w http.ResponseWriter, code string) {
	d := s.devices[code]
	if d == nil || d.done {
		oauthError(w, http.StatusBadRequest, "expired_token", "unknown or used device code")
		return
	}
	s.polls++
	now := time.Now()
	wait := time.Duration(s.interval) * time.Second
	if s.slowDown && d.polls > 0 {
		wait += 5 * time.Second // RFC 8628 3.5: the client adds 5 s after slow_down
	}
	early := !d.lastPoll.IsZero() && now.Sub(d.lastPoll) < wait-200*time.Millisecond
	d.lastPoll = now
	d.polls++
	switch {
	case early:
		s.tooSoon++
		oauthError(w, http.StatusBadRequest, "slow_down", "polled too soon")
	case d.polls == 1 && s.slowDown:
		oauthError(w, http.StatusBadRequest, "slow_down", "")
	case d.polls == 1:
		oauthError(w, http.StatusBadRequest, "authorization_pending", "")
	default:
		d.done = true
		s.issueLocked(w, &grant{scope: d.scope}, true)
	}
}

// deviceAuth starts a device grant.
func (s *Server) deviceAuth(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil || !s.clientOK(r) {
		oauthError(w, http.StatusUnauthorized, "invalid_client", "unknown client")
		return
	}
	s.mu.Lock()
	code := random("dc-")
	s.devices[code] = &device{scope: r.PostForm.Get("scope")}
	interval := s.interval
	s.mu.Unlock()
	writeJSON(w, map[string]any{
		"device_code": code, "user_code": "WDJB-MJHT",
		"verification_uri": s.URL + "/activate", "expires_in": 600, "interval": interval,
	})
}

// revoke revokes the grant a token belongs to (RFC 7009).
func (s *Server) revoke(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	tok := r.PostForm.Get("token")
	s.mu.Lock()
	if g := s.grants[tok]; g != nil {
		g.revoked = true
	}
	if a := s.access[tok]; a != nil {
		a.g.revoked = true
	}
	s.mu.Unlock()
	w.WriteHeader(http.StatusOK)
}

// introspect reports whether an access token is active (RFC 7662).
func (s *Server) introspect(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		http.Error(w, "bad form", http.StatusBadRequest)
		return
	}
	tok := r.PostForm.Get("token")
	if tok == "" {
		// Dovecot may send the token as a bearer header instead.
		tok = strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.introspects++
	a := s.access[tok]
	if a == nil || a.g.revoked || time.Now().After(a.expires) {
		writeJSON(w, map[string]any{"active": false})
		return
	}
	writeJSON(w, map[string]any{
		"active": true, "username": s.User, "scope": a.g.scope, "client_id": s.ClientID,
		"token_type": "Bearer", "exp": a.expires.Unix(),
	})
}

// String describes the server for test logs.
func (s *Server) String() string { return fmt.Sprintf("oauthtest at %s", s.URL) }

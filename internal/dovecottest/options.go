package dovecottest

// Option changes how a Server is configured.
type Option func(*settings)

// settings collects what the options chose.
type settings struct {
	user, password string
	plaintextAuth  bool
	lockSession    bool
	verbose        bool
	authSocket     bool
	extra          []string
	// introspectionURL turns on the oauth2 passdb (WithOAuth2).
	introspectionURL string
}

func defaultSettings() settings {
	return settings{user: "alice", password: "Secr3t-pass"}
}

// WithUser sets the name and password of the default user (alice and
// Secr3t-pass otherwise). The name must be a plain login name
// ([a-z0-9._-]); the password may not contain ':' or a line break.
func WithUser(name, password string) Option {
	return func(s *settings) { s.user, s.password = name, password }
}

// WithPlaintextAuth sets disable_plaintext_auth = no. Dovecot already treats
// loopback connections as secure, so cleartext logins on 127.0.0.1 work
// without it; it matters only when connections appear to come from elsewhere.
func WithPlaintextAuth() Option {
	return func(s *settings) { s.plaintextAuth = true }
}

// WithLockSession sets pop3_lock_session = yes: a second session on the same
// maildrop is refused with [IN-USE] while the first one is open. Dovecot
// answers that refusal only after waiting 10 s for the lock (a fixed timeout).
func WithLockSession() Option {
	return func(s *settings) { s.lockSession = true }
}

// WithVerbose turns on Dovecot's auth and mail debugging in the log file.
// The log then contains passwords: use it only while debugging a test.
func WithVerbose() Option {
	return func(s *settings) { s.verbose = true }
}

// WithConfig appends raw lines to the generated dovecot.conf, for settings
// this package has no option for (e.g. "pop3_client_workarounds = ...").
func WithConfig(lines ...string) Option {
	return func(s *settings) { s.extra = append(s.extra, lines...) }
}

// WithOAuth2 lets users log in with OAuth 2.0 access tokens (SASL XOAUTH2
// and OAUTHBEARER) as well as passwords: Dovecot's own oauth2 passdb checks
// each token by posting it to introspectionURL (RFC 7662,
// introspection_mode = post) and accepts it when the answer is active and
// its "username" is the login name. internal/oauthtest serves such an
// endpoint.
func WithOAuth2(introspectionURL string) Option {
	return func(s *settings) { s.introspectionURL = introspectionURL }
}

// WithAuthSocket opens Dovecot's authentication service to other programs on
// a Unix socket (AuthSocket), the way Postfix's smtpd_sasl_type = dovecot
// uses it: a mail server authenticates SMTP logins against the same users.
func WithAuthSocket() Option {
	return func(s *settings) { s.authSocket = true }
}

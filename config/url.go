package config

import (
	"fmt"
	"net"
	"net/url"
	"strconv"
	"strings"
)

// ParseURL parses an RFC 2384 POP URL (pop://user;auth=mech@host:port) into
// an account with every default applied (NewAccount) but no name.
//
//   - ";auth=*" means auto, ";auth=+APOP" APOP, any other value a SASL
//     mechanism (PLAIN, LOGIN, CRAM-MD5, XOAUTH2, OAUTHBEARER); without
//     ";auth=" popterm also chooses automatically.
//   - popterm prefers TLS (RFC 8314): without a port, or with port 995, the
//     account uses implicit TLS on 995; any other port uses STARTTLS. The
//     non-standard scheme "pops://" always means implicit TLS. Cleartext
//     needs tls = "none" set explicitly.
//   - A password in the URL is refused, as RFC 2384 forbids it.
func ParseURL(s string) (Account, error) {
	u, err := url.Parse(strings.TrimSpace(s))
	if err != nil {
		return Account{}, fmt.Errorf("pop url: cannot parse %q", redactURL(s))
	}
	scheme := strings.ToLower(u.Scheme)
	if scheme != "pop" && scheme != "pops" {
		return Account{}, fmt.Errorf("pop url: %q is not a pop:// URL", redactURL(s))
	}
	if u.Opaque != "" || u.Host == "" {
		return Account{}, fmt.Errorf("pop url: no host in %q (want pop://user;auth=*@host:port)", redactURL(s))
	}
	if (u.Path != "" && u.Path != "/") || u.RawQuery != "" || u.Fragment != "" {
		return Account{}, fmt.Errorf("pop url: unexpected path, query or fragment in %q", redactURL(s))
	}
	a := NewAccount("")
	if u.User == nil || u.User.Username() == "" {
		return Account{}, fmt.Errorf("pop url: no user name in %q (want pop://user@host)", redactURL(s))
	}
	if _, has := u.User.Password(); has {
		return Account{}, fmt.Errorf("pop url: a password in the URL is not allowed (RFC 2384); it goes in the keyring")
	}
	// Split before unescaping, so an escaped ";" (%3B) stays in the name.
	rawUser, authParam, hasAuth := strings.Cut(rawUserinfo(s), ";")
	if a.Username, err = url.PathUnescape(rawUser); err != nil {
		return Account{}, fmt.Errorf("pop url: bad escape in the user name")
	}
	if hasAuth {
		if authParam, err = url.PathUnescape(authParam); err != nil {
			return Account{}, fmt.Errorf("pop url: bad escape in ;auth=")
		}
		key, mech, ok := strings.Cut(authParam, "=")
		if !ok || !strings.EqualFold(key, "auth") {
			return Account{}, fmt.Errorf("pop url: unknown parameter %q (only ;auth= is defined)", authParam)
		}
		a.Auth, err = authFromURL(mech)
		if err != nil {
			return Account{}, err
		}
	}
	a.Host = u.Hostname()
	if !validHost(a.Host) {
		return Account{}, fmt.Errorf("pop url: bad host %q", a.Host)
	}
	if p := u.Port(); p != "" {
		n, err := strconv.Atoi(p)
		if err != nil || n < 1 || n > 65535 {
			return Account{}, fmt.Errorf("pop url: bad port %q", p)
		}
		a.Port = n
	}
	switch {
	case scheme == "pops", a.Port == PortImplicit:
		a.TLS = TLSImplicit
	default:
		a.TLS = TLSStartTLS
	}
	if u.Port() == "" {
		a.Port = DefaultPort(a.TLS)
	}
	return a, nil
}

// rawUserinfo returns the still-escaped userinfo of a URL.
func rawUserinfo(s string) string {
	_, rest, _ := strings.Cut(strings.TrimSpace(s), "://")
	if i := strings.IndexAny(rest, "/?#"); i >= 0 {
		rest = rest[:i]
	}
	if at := strings.LastIndexByte(rest, '@'); at >= 0 {
		return rest[:at]
	}
	return ""
}

// authFromURL maps an RFC 2384 enc-auth-type to an auth value.
func authFromURL(mech string) (string, error) {
	switch m := strings.ToLower(mech); m {
	case "*":
		return AuthAuto, nil
	case "+apop":
		return AuthAPOP, nil
	case "+user":
		return AuthUser, nil
	case AuthPlain, AuthLogin, AuthCRAMMD5, AuthXOAUTH2, AuthOAUTHBEARER:
		return m, nil
	}
	return "", fmt.Errorf("pop url: unsupported ;auth=%s (want *, +APOP, PLAIN, LOGIN, CRAM-MD5, XOAUTH2 or OAUTHBEARER)", mech)
}

// URL returns the account as an RFC 2384 POP URL. The TLS mode is not part
// of a POP URL; the port implies it as ParseURL reads it.
func (a *Account) URL() string {
	mech := "*"
	switch a.Auth {
	case AuthAPOP:
		mech = "+APOP"
	case AuthUser:
		mech = "+USER"
	case AuthAuto, "":
	default:
		mech = strings.ToUpper(a.Auth)
	}
	return "pop://" + escapeUser(a.Username) + ";auth=" + mech + "@" + net.JoinHostPort(a.Host, strconv.Itoa(a.Port))
}

// escapeUser percent-encodes a user name for the userinfo of a POP URL:
// everything but RFC 3986 unreserved characters and a few safe sub-delims.
func escapeUser(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || strings.IndexByte("-._~!$&'()*+,=", c) >= 0 {
			b.WriteByte(c)
		} else {
			fmt.Fprintf(&b, "%%%02X", c)
		}
	}
	return b.String()
}

// redactURL drops any password from a URL before it goes into a message.
func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil {
		if u.User == nil {
			return s
		}
		if _, has := u.User.Password(); !has {
			return s
		}
		u.User = url.UserPassword(u.User.Username(), "REDACTED")
		return u.String()
	}
	// Unparseable: hide a userinfo that might hold a password.
	start := 0
	if i := strings.Index(s, "://"); i >= 0 {
		start = i + 3
	}
	if at := strings.LastIndex(s, "@"); at > start && strings.Contains(s[start:at], ":") {
		return s[:start] + "REDACTED" + s[at:]
	}
	return s
}

package config

import (
	"bytes"
	"fmt"
	"io"
	"io/fs"
	"net"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/pelletier/go-toml/v2"
)

// maxFileSize bounds the config file popterm reads.
const maxFileSize = 1 << 20

// utf8BOM is the byte-order mark some editors put at the start of a file.
const utf8BOM = "\xef\xbb\xbf"

// fileDoc is the file as TOML sees it; it is both decoded and encoded.
type fileDoc struct {
	DefaultAccount string              `toml:"default_account,omitempty"`
	UI             *fileUI             `toml:"ui,omitempty"`
	Keys           map[string][]string `toml:"keys,omitempty"`
	Account        []fileAccount       `toml:"account,omitempty"`
}

type fileAccount struct {
	Name                  string    `toml:"name"`
	URL                   string    `toml:"url,omitempty"`
	Host                  string    `toml:"host,omitempty"`
	Port                  *int      `toml:"port,omitempty"`
	TLS                   string    `toml:"tls,omitempty"`
	Username              string    `toml:"username,omitempty"`
	Auth                  string    `toml:"auth,omitempty"`
	PasswordCmd           string    `toml:"password_cmd,omitempty"`
	OAuth2TokenCmd        string    `toml:"oauth2_token_cmd,omitempty"`
	OAuth2                string    `toml:"oauth2,omitempty"`
	OAuth2ClientID        string    `toml:"oauth2_client_id,omitempty"`
	OAuth2ClientSecret    string    `toml:"oauth2_client_secret,omitempty"`
	OAuth2ClientSecretCmd string    `toml:"oauth2_client_secret_cmd,omitempty"`
	OAuth2AuthURL         string    `toml:"oauth2_auth_url,omitempty"`
	OAuth2TokenURL        string    `toml:"oauth2_token_url,omitempty"`
	OAuth2DeviceURL       string    `toml:"oauth2_device_url,omitempty"`
	OAuth2RevokeURL       string    `toml:"oauth2_revoke_url,omitempty"`
	OAuth2Scopes          []string  `toml:"oauth2_scopes,omitempty"`
	OAuth2Tenant          string    `toml:"oauth2_tenant,omitempty"`
	CAFile                string    `toml:"ca_file,omitempty"`
	TLSCertSHA256         string    `toml:"tls_cert_sha256,omitempty"`
	TLSInsecureSkipVerify *bool     `toml:"tls_insecure_skip_verify,omitempty"`
	AllowCleartextAuth    *bool     `toml:"allow_cleartext_auth,omitempty"`
	LeaveOnServer         *bool     `toml:"leave_on_server,omitempty"`
	DeleteAfterDays       *int      `toml:"delete_after_days,omitempty"`
	DeleteOnServer        *bool     `toml:"delete_on_server,omitempty"`
	Prefetch              string    `toml:"prefetch,omitempty"`
	Timeout               string    `toml:"timeout,omitempty"`
	MinRate               string    `toml:"min_rate,omitempty"`
	StoreDir              string    `toml:"store_dir,omitempty"`
	CheckInterval         string    `toml:"check_interval,omitempty"`
	From                  string    `toml:"from,omitempty"`
	SignatureFile         string    `toml:"signature_file,omitempty"`
	SMTP                  *fileSMTP `toml:"smtp,omitempty"`
}

type fileUI struct {
	Theme         string `toml:"theme,omitempty"`
	DateFormat    string `toml:"date_format,omitempty"`
	PreferHTML    *bool  `toml:"prefer_html,omitempty"`
	OpenCmd       string `toml:"open_cmd,omitempty"`
	DownloadDir   string `toml:"download_dir,omitempty"`
	ConfirmCommit *bool  `toml:"confirm_commit,omitempty"`
	SessionIdle   string `toml:"session_idle,omitempty"`
	Bell          *bool  `toml:"bell,omitempty"`
	NotifyCmd     string `toml:"notify_cmd,omitempty"`
}

// Load reads and validates a config file. A missing file returns an error
// matching errors.Is(err, fs.ErrNotExist); other errors are one line naming
// file:line, the key and what was expected (an *Error). Problems that do
// not stop popterm, such as a file readable by others, are in Warnings.
func Load(path string) (*Config, error) {
	doc, st, err := readRegular(path, maxFileSize)
	if err != nil {
		return nil, err
	}
	cfg, err := Parse(path, doc)
	if err != nil {
		return nil, err
	}
	if runtime.GOOS != "windows" && st.Mode().Perm()&0o077 != 0 {
		cfg.Warnings = append(cfg.Warnings, fmt.Sprintf("%s is accessible by other users (mode %04o): run chmod 600 %s", path, st.Mode().Perm(), path))
	}
	return cfg, nil
}

// readRegular reads a config file of at most limit bytes. Anything but a
// regular file (a FIFO, a device, a folder) is refused before it is opened,
// since reading a FIFO or a terminal would wait forever.
func readRegular(path string, limit int64) ([]byte, fs.FileInfo, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, nil, fmt.Errorf("config: %w", err)
	}
	if !st.Mode().IsRegular() {
		return nil, nil, &Error{File: path, Msg: fmt.Sprintf("not a regular file (%s): give the path of a TOML file", fileKind(st.Mode()))}
	}
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, fmt.Errorf("config: %w", err)
	}
	defer f.Close()
	if st, err = f.Stat(); err != nil || !st.Mode().IsRegular() {
		return nil, nil, &Error{File: path, Msg: "not a regular file: give the path of a TOML file"}
	}
	doc, err := io.ReadAll(io.LimitReader(f, limit+1))
	if err != nil {
		return nil, nil, fmt.Errorf("config: reading %s: %w", path, err)
	}
	if int64(len(doc)) > limit {
		return nil, nil, &Error{File: path, Msg: "the file is larger than 1 MB; is it really a popterm config?"}
	}
	return doc, st, nil
}

// fileKind names what a non-regular file is, for an error.
func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a folder"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeDevice != 0:
		return "a device"
	default:
		return "mode " + m.String()
	}
}

// Parse decodes and validates the contents of a config file; path names it
// in errors and relative paths in it are relative to path's folder.
func Parse(path string, doc []byte) (*Config, error) {
	doc = bytes.TrimPrefix(doc, []byte(utf8BOM)) // editors on Windows write one
	var fd fileDoc
	dec := toml.NewDecoder(bytes.NewReader(doc))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&fd); err != nil {
		return nil, decodeError(path, err)
	}
	v := validator{file: path, lines: indexLines(doc)}
	cfg := &Config{Path: path, DefaultAccount: fd.DefaultAccount, Keys: map[string][]string{}}
	base := filepath.Dir(path)

	cfg.UI = v.ui(fd.UI, base)
	cfg.keyLines = map[string]int{}
	for action, keys := range fd.Keys {
		v.check("keys."+action, "[keys]", validKeys(action, keys))
		cfg.Keys[action] = keys
		cfg.keyLines[action] = v.lines.line("keys." + action)
	}
	seen := map[string]bool{}
	for i, fa := range fd.Account {
		prefix := "account." + strconv.Itoa(i)
		a, errs := fa.account(base)
		if a.Name != "" && seen[a.Name] {
			errs = append(errs, fieldf("name", "another account is already named %q: names must be unique", a.Name))
		}
		seen[a.Name] = true
		if len(errs) == 0 {
			errs = a.validate()
		}
		ctx := "[[account]]"
		if a.Name != "" {
			ctx = fmt.Sprintf("account %q", a.Name)
		}
		for _, fe := range errs {
			v.add(prefix+"."+fe.key, ctx, fe)
		}
		cfg.Accounts = append(cfg.Accounts, a)
	}
	setLegacyPeers(cfg.Accounts)
	if cfg.DefaultAccount != "" && !seen[cfg.DefaultAccount] {
		msg := fmt.Sprintf("no account is named %q", cfg.DefaultAccount)
		if s := suggest(cfg.DefaultAccount, cfg.AccountNames()); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		} else if len(cfg.Accounts) > 0 {
			msg += " (accounts: " + quoteList(cfg.AccountNames()) + ")"
		}
		v.add("default_account", "", fieldf("default_account", "%s", msg))
	}
	if err := v.err(); err != nil {
		return nil, err
	}
	return cfg, nil
}

// validator collects positioned errors.
type validator struct {
	file  string
	lines lineIndex
	errs  []*Error
}

func (v *validator) add(path, context string, fe fieldErr) {
	v.errs = append(v.errs, &Error{File: v.file, Line: v.lines.line(path), Context: context, Key: fe.key, Msg: fe.msg})
}

func (v *validator) check(path, context string, fe *fieldErr) {
	if fe != nil {
		v.add(path, context, *fe)
	}
}

// err returns the first problem by line, counting the others.
func (v *validator) err() error {
	if len(v.errs) == 0 {
		return nil
	}
	sort.SliceStable(v.errs, func(i, j int) bool { return v.errs[i].Line < v.errs[j].Line })
	first := v.errs[0]
	first.More = len(v.errs) - 1
	return first
}

func (v *validator) ui(fu *fileUI, base string) UI {
	ui := DefaultUI()
	if fu == nil {
		return ui
	}
	ctx := "[ui]"
	ui.Theme, ui.DateFormat = fu.Theme, fu.DateFormat
	if fu.PreferHTML != nil {
		ui.PreferHTML = *fu.PreferHTML
	}
	if fu.ConfirmCommit != nil {
		ui.ConfirmCommit = *fu.ConfirmCommit
	}
	if fu.OpenCmd != "" {
		ui.OpenCmd = fu.OpenCmd
	}
	if fu.DownloadDir != "" {
		dir, err := expandPath(fu.DownloadDir, base)
		if err != nil {
			v.add("ui.download_dir", ctx, fieldf("download_dir", "%v", err))
		}
		ui.DownloadDir = dir
	}
	if fu.SessionIdle != "" {
		d, err := ParseDuration(fu.SessionIdle)
		if err != nil || d == 0 {
			v.add("ui.session_idle", ctx, fieldf("session_idle", "expected %s, got %q", expectDuration, fu.SessionIdle))
		}
		ui.SessionIdle = d
	}
	if fu.Bell != nil {
		ui.Bell = *fu.Bell
	}
	ui.NotifyCmd = fu.NotifyCmd
	if fu.Theme != "" && !slices.Contains(Themes(), fu.Theme) {
		msg := fmt.Sprintf(`expected "auto", "dark", "light" or "mono", got %q`, fu.Theme)
		if s := suggest(fu.Theme, Themes()); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		}
		v.add("ui.theme", ctx, fieldf("theme", "%s", msg))
	}
	for key, s := range map[string]string{"theme": fu.Theme, "date_format": fu.DateFormat, "open_cmd": fu.OpenCmd, "notify_cmd": fu.NotifyCmd} {
		if hasControl(s) {
			v.add("ui."+key, ctx, fieldf(key, "control characters are not allowed"))
		}
	}
	return ui
}

// validKeys checks one [keys] entry.
func validKeys(action string, keys []string) *fieldErr {
	if len(keys) == 0 {
		fe := fieldf(action, "expected %s, got an empty list", keysExpect)
		return &fe
	}
	for _, k := range keys {
		if strings.TrimSpace(k) == "" || hasControl(k) {
			fe := fieldf(action, "expected %s, got %q", keysExpect, k)
			return &fe
		}
	}
	return nil
}

// account converts the file's form into an Account with defaults applied.
func (fa *fileAccount) account(base string) (Account, []fieldErr) {
	var errs []fieldErr
	a := NewAccount(fa.Name)
	if fa.URL != "" {
		if fa.Host != "" || fa.Port != nil || fa.Username != "" || fa.Auth != "" {
			errs = append(errs, fieldf("url", "give either url or host/port/username/auth, not both"))
		}
		u, err := ParseURL(fa.URL)
		if err != nil {
			errs = append(errs, fieldf("url", "%v", strings.TrimPrefix(err.Error(), "pop url: ")))
		} else {
			u.Name, u.StoreDir = a.Name, a.StoreDir
			a = u
		}
	}
	if fa.Host != "" {
		a.Host = fa.Host
	}
	if fa.Username != "" {
		a.Username = fa.Username
	}
	if fa.Auth != "" {
		a.Auth = strings.ToLower(fa.Auth)
	}
	if fa.TLS != "" {
		a.TLS = strings.ToLower(fa.TLS)
		if fa.URL == "" || !urlHasPort(fa.URL) {
			a.Port = DefaultPort(a.TLS)
		}
	}
	if fa.Port != nil {
		a.Port = *fa.Port
	}
	a.PasswordCmd, a.OAuth2TokenCmd = fa.PasswordCmd, fa.OAuth2TokenCmd
	a.OAuth2 = OAuth2Settings{
		Provider: strings.ToLower(fa.OAuth2), ClientID: fa.OAuth2ClientID,
		ClientSecret: fa.OAuth2ClientSecret, ClientSecretCmd: fa.OAuth2ClientSecretCmd,
		AuthURL: fa.OAuth2AuthURL, TokenURL: fa.OAuth2TokenURL, DeviceURL: fa.OAuth2DeviceURL,
		RevokeURL: fa.OAuth2RevokeURL, Scopes: fa.OAuth2Scopes, Tenant: fa.OAuth2Tenant,
	}
	a.TLSCertSHA256 = fa.TLSCertSHA256
	setBool(&a.TLSInsecureSkipVerify, fa.TLSInsecureSkipVerify)
	setBool(&a.AllowCleartextAuth, fa.AllowCleartextAuth)
	setBool(&a.LeaveOnServer, fa.LeaveOnServer)
	setBool(&a.DeleteOnServer, fa.DeleteOnServer)
	if fa.DeleteAfterDays != nil {
		a.DeleteAfterDays = *fa.DeleteAfterDays
	}
	if fa.Prefetch != "" {
		p, err := ParsePrefetch(fa.Prefetch)
		if err != nil {
			errs = append(errs, fieldf("prefetch", "expected %s, got %q", accountKeys()["prefetch"], fa.Prefetch))
		}
		a.Prefetch = p
	}
	if fa.Timeout != "" {
		d, err := ParseDuration(fa.Timeout)
		if err != nil {
			errs = append(errs, fieldf("timeout", "expected %s: %v", expectDuration, err))
		}
		a.Timeout = d
	}
	if fa.MinRate != "" {
		n, err := ParseSize(strings.TrimSuffix(strings.TrimSpace(fa.MinRate), "/s"))
		if err != nil || n <= 0 {
			errs = append(errs, fieldf("min_rate", "expected %s, got %q", accountKeys()["min_rate"], fa.MinRate))
		}
		a.MinRate = n
	}
	if fa.CheckInterval != "" {
		d, err := parseCheckInterval(fa.CheckInterval)
		if err != nil {
			errs = append(errs, fieldf("check_interval", "%v", err))
		}
		a.CheckInterval = d
	}
	var err error
	if a.CAFile, err = expandPath(fa.CAFile, base); err != nil {
		errs = append(errs, fieldf("ca_file", "%v", err))
	}
	if fa.StoreDir != "" {
		if a.StoreDir, err = expandPath(fa.StoreDir, base); err != nil {
			errs = append(errs, fieldf("store_dir", "%v", err))
		}
	}
	errs = append(errs, fa.sending(&a, base)...)
	return a, errs
}

func setBool(dst *bool, src *bool) {
	if src != nil {
		*dst = *src
	}
}

// Validate checks every field of the account and returns one error naming
// the account, the key and what was expected.
func (a *Account) Validate() error {
	errs := a.validate()
	if len(errs) == 0 {
		return nil
	}
	fe := errs[0]
	name := a.Name
	if name == "" {
		name = "(unnamed)"
	}
	return fmt.Errorf("account %q: %s: %s", name, fe.key, fe.msg)
}

// validate normalises the fingerprint and lists the problems.
func (a *Account) validate() []fieldErr {
	var errs []fieldErr
	add := func(key, format string, args ...any) { errs = append(errs, fieldf(key, format, args...)) }
	if a.Name == "" {
		add("name", "missing: every account needs a name (letters, digits, \".\", \"_\", \"-\")")
	} else if err := ValidName(a.Name); err != nil {
		add("name", "%v", err)
	}
	checkServer(add, "", "the POP3 server's host name, e.g. pop.example.com", a.Host, a.Port, a.TLS)
	switch {
	case a.Username == "":
		add("username", "missing: the login name, often the email address")
	case hasControl(a.Username) || len(a.Username) > 255:
		add("username", "control characters and names over 255 bytes are not allowed")
	}
	auths := []string{AuthAuto, AuthUser, AuthAPOP, AuthPlain, AuthLogin, AuthCRAMMD5, AuthXOAUTH2, AuthOAUTHBEARER}
	if !slices.Contains(auths, a.Auth) {
		msg := fmt.Sprintf("expected %s, got %q", accountKeys()["auth"], a.Auth)
		if s := suggest(a.Auth, auths); s != "" {
			msg += fmt.Sprintf("; did you mean %q?", s)
		}
		add("auth", "%s", msg)
	}
	if (a.Auth == AuthXOAUTH2 || a.Auth == AuthOAUTHBEARER) && a.OAuth2TokenCmd == "" && a.OAuth2.Provider == "" {
		add("auth", "auth = %q needs oauth2 = \"google\", \"microsoft\" or \"custom\" (built-in sign-in), or oauth2_token_cmd, a command that prints a fresh access token", a.Auth)
	}
	errs = append(errs, a.validateOAuth2()...)
	if a.TLS == TLSNone && !a.AllowCleartextAuth {
		add("tls", `"none" would expose the login to the network (the password itself, or for apop and cram-md5 a digest that can be cracked offline): use "implicit" or "starttls", or set allow_cleartext_auth = true if you accept that`)
	}
	if a.TLSCertSHA256 != "" {
		pin, err := NormalizeFingerprint(a.TLSCertSHA256)
		if err != nil {
			add("tls_cert_sha256", "%v", err)
		} else {
			a.TLSCertSHA256 = pin
		}
	}
	if a.DeleteAfterDays < 0 {
		add("delete_after_days", "expected a whole number of days (0 = never), got %d", a.DeleteAfterDays)
	}
	if a.Timeout <= 0 {
		add("timeout", "expected a positive duration like \"30s\"")
	}
	if a.MinRate < 0 { // 0: the default
		add("min_rate", "expected %s", accountKeys()["min_rate"])
	}
	if a.Prefetch.Mode != "" && !slices.Contains([]string{PrefetchAll, PrefetchNone, PrefetchNewerThan, PrefetchSmallerThan}, a.Prefetch.Mode) {
		add("prefetch", "expected %s", accountKeys()["prefetch"])
	}
	if a.StoreDir != "" && !filepath.IsAbs(a.StoreDir) {
		add("store_dir", "expected an absolute folder path, got %q", a.StoreDir)
	}
	if strings.ContainsRune(a.PasswordCmd, 0) || strings.ContainsRune(a.OAuth2TokenCmd, 0) {
		add("password_cmd", "NUL bytes are not allowed in commands")
	}
	return append(errs, a.validateSending()...)
}

// validHost accepts a DNS name (letters, digits, "-", "_", ".") or an IP
// address, IPv6 without brackets.
func validHost(h string) bool {
	if h == "" || len(h) > 253 {
		return false
	}
	if net.ParseIP(h) != nil {
		return true
	}
	for _, r := range h {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '-' || r == '_' || r == '.') {
			return false
		}
	}
	return !strings.HasPrefix(h, ".") && !strings.Contains(h, "..")
}

// urlHasPort reports whether a POP URL names its port.
func urlHasPort(s string) bool {
	u, err := url.Parse(strings.TrimSpace(s))
	return err == nil && u.Port() != ""
}

// CheckKeyActions reports the first [keys] entry whose action is not one of
// actions (the reader's, which config does not know itself) as an *Error
// with the file, the line and a "did you mean" suggestion.
func (c *Config) CheckKeyActions(actions []string) error {
	var unknown []string
	for action := range c.Keys {
		if !slices.Contains(actions, action) {
			unknown = append(unknown, action)
		}
	}
	if len(unknown) == 0 {
		return nil
	}
	slices.SortFunc(unknown, func(a, b string) int { return c.keyLines[a] - c.keyLines[b] })
	msg := "unknown action"
	if s := suggest(unknown[0], actions); s != "" {
		msg += fmt.Sprintf("; did you mean %q?", s)
	}
	msg += " (the actions are listed in docs/config.md)"
	return &Error{File: c.Path, Line: c.keyLines[unknown[0]], Context: "[keys]", Key: unknown[0], Msg: msg, More: len(unknown) - 1}
}

// KeyConflictError is the error for a key that the reader found bound to
// two actions of one screen: it names the file and the line of the entry
// that caused it (the later one when both are in the file), the key, both
// actions and the screen.
func (c *Config) KeyConflictError(key, screen, action1, action2 string) error {
	at := action2
	l1, in1 := c.keyLines[action1]
	l2, in2 := c.keyLines[action2]
	if in1 && (!in2 || l1 > l2) {
		at = action1
	}
	msg := fmt.Sprintf("%q is bound to both %s and %s on the %s screen: give one of them another key", key, action1, action2, screen)
	return &Error{File: c.Path, Line: c.keyLines[at], Context: "[keys]", Key: at, Msg: msg}
}

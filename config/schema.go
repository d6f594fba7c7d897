package config

import (
	"slices"
	"strings"
)

// What each key expects, in the words errors use. The key sets double as the
// candidates for "did you mean" suggestions.

const (
	expectBool     = "true or false"
	expectString   = "a string"
	expectDuration = `a duration string with a unit, like "30s", "5m", "2h" or "30d"`
	expectPath     = "a path (string)"
	expectCommand  = `a shell command (string), like "pass show mail/work"`
	expectURL      = `an https URL (string); http only for 127.0.0.1 or localhost`
)

// topKeys are the keys allowed at the top level.
func topKeys() map[string]string {
	return map[string]string{
		"default_account": "the name of an account",
		"account":         "[[account]] tables",
		"ui":              "a [ui] table",
		"keys":            "a [keys] table",
	}
}

// accountKeys are the keys allowed in an [[account]] table.
func accountKeys() map[string]string {
	return map[string]string{
		"name":                     `a name of letters, digits, ".", "_" and "-"`,
		"url":                      `a POP URL (RFC 2384), like "pop://alice;auth=*@mail.example.com:995"`,
		"host":                     "a host name",
		"port":                     "a port number from 1 to 65535",
		"tls":                      `"implicit", "starttls" or "none"`,
		"username":                 expectString,
		"auth":                     `one of "auto", "user", "apop", "plain", "login", "cram-md5", "xoauth2", "oauthbearer"`,
		"password_cmd":             expectCommand,
		"oauth2_token_cmd":         expectCommand,
		"oauth2":                   `"google", "microsoft" or "custom"`,
		"oauth2_client_id":         "the client ID registered with the provider (string)",
		"oauth2_client_secret":     expectString,
		"oauth2_client_secret_cmd": expectCommand,
		"oauth2_auth_url":          expectURL,
		"oauth2_token_url":         expectURL,
		"oauth2_device_url":        expectURL,
		"oauth2_revoke_url":        expectURL,
		"oauth2_scopes":            `a list of scopes, like ["https://mail.google.com/"]`,
		"oauth2_tenant":            `a Microsoft tenant: "common", "organizations", "consumers" or a tenant ID`,
		"ca_file":                  "a path to a PEM file (string)",
		"tls_cert_sha256":          "the certificate's SHA-256 as 64 hex digits (colons allowed)",
		"tls_insecure_skip_verify": expectBool,
		"allow_cleartext_auth":     expectBool,
		"leave_on_server":          expectBool,
		"delete_after_days":        "a whole number of days (0 = never)",
		"delete_on_server":         expectBool,
		"prefetch":                 `"all", "none", "newer_than:30d" or "smaller_than:1MB"`,
		"timeout":                  expectDuration,
		"min_rate":                 `a size per second, like "8KB" (the slowest a server may send)`,
		"store_dir":                "a folder path (string)",
		"check_interval":           `a duration of at least a minute, like "10m", or "0" for no checks`,
		"from":                     `an address, like "Alice Example <alice@example.org>"`,
		"signature_file":           expectPath,
		"smtp":                     "an [account.smtp] table",
	}
}

// uiKeys are the keys allowed in the [ui] table.
func uiKeys() map[string]string {
	return map[string]string{
		"theme":          expectString,
		"date_format":    expectString,
		"prefer_html":    expectBool,
		"open_cmd":       expectCommand,
		"download_dir":   expectPath,
		"confirm_commit": expectBool,
		"session_idle":   expectDuration,
		"bell":           expectBool,
		"notify_cmd":     `a command (string), run with the count, first sender and first subject as arguments`,
	}
}

// keysExpect is what every entry of [keys] takes.
const keysExpect = `a list of keys, like ["q", "ctrl+c"]`

// keysIn returns the known keys of the table a key path belongs to, and how
// to name that table in a message.
func keysIn(path []string) (map[string]string, string) {
	if len(path) <= 1 {
		return topKeys(), "at the top level"
	}
	switch path[0] {
	case "account":
		if len(path) > 2 && path[1] == "smtp" {
			return smtpKeys(), "in [account.smtp]"
		}
		return accountKeys(), "in [[account]]"
	case "ui":
		return uiKeys(), "in [ui]"
	case "keys":
		return nil, "in [keys]"
	}
	return nil, "in [" + strings.Join(path[:len(path)-1], ".") + "]"
}

// expectation returns what the key at path expects, or "".
func expectation(path []string) string {
	if len(path) == 0 {
		return ""
	}
	if path[0] == "keys" && len(path) == 2 {
		return keysExpect
	}
	known, _ := keysIn(path)
	return known[path[len(path)-1]]
}

func keyNames(m map[string]string) []string {
	names := make([]string, 0, len(m))
	for k := range m {
		names = append(names, k)
	}
	slices.Sort(names)
	return names
}

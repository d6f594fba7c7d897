package pop3

import (
	"errors"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseStatus(t *testing.T) {
	tests := []struct {
		in   string
		ok   bool
		code string
		text string
		bad  bool
	}{
		{in: "+OK", ok: true},
		{in: "+OK ", ok: true},
		{in: "+OK 2 320", ok: true, text: "2 320"},
		{in: "+ok lower", ok: true, text: "lower"},
		{in: "+OK\tTab", ok: true, text: "Tab"},
		{in: "-ERR", ok: false},
		{in: "-ERR no such message", text: "no such message"},
		{in: "-ERR [IN-USE] locked", code: CodeInUse, text: "locked"},
		{in: "-ERR [sys/temp] later", code: CodeSysTemp, text: "later"},
		{in: "-ERR [AUTH]", code: CodeAuth},
		{in: "-ERR [LOGIN-DELAY] wait", code: CodeLoginDelay, text: "wait"},
		{in: "-ERR [not a code] x", text: "[not a code] x"},
		{in: "-ERR [] x", text: "[] x"},
		{in: "-ERR [UNCLOSED x", text: "[UNCLOSED x"},
		{in: "+OK [IN-USE] ok codes are not parsed", ok: true, text: "[IN-USE] ok codes are not parsed"},
		{in: "+OKAY", bad: true},
		{in: "-ERROR", bad: true},
		{in: "", bad: true},
		{in: "* OK imap", bad: true},
		{in: "+ challenge", bad: true},
	}
	for _, tt := range tests {
		st, err := parseStatus([]byte(tt.in))
		if tt.bad {
			if err == nil {
				t.Errorf("parseStatus(%q) = %+v, want an error", tt.in, st)
			}
			continue
		}
		if err != nil {
			t.Errorf("parseStatus(%q): %v", tt.in, err)
			continue
		}
		if st.ok != tt.ok || st.code != tt.code || st.text != tt.text {
			t.Errorf("parseStatus(%q) = %+v, want ok=%v code=%q text=%q", tt.in, st, tt.ok, tt.code, tt.text)
		}
	}
}

func TestParseCapabilities(t *testing.T) {
	tests := []struct {
		name  string
		lines []string
		want  Capabilities
	}{
		{name: "empty", lines: nil, want: Capabilities{Known: true}},
		{name: "dovecot", lines: []string{"CAPA", "TOP", "UIDL", "RESP-CODES", "PIPELINING", "AUTH-RESP-CODE", "STLS", "USER", "SASL PLAIN LOGIN cram-md5"},
			want: Capabilities{Known: true, Top: true, UIDL: true, RespCodes: true, Pipelining: true, AuthRespCode: true, STLS: true, User: true, SASL: []string{"PLAIN", "LOGIN", "CRAM-MD5"}}},
		{name: "lower case keywords", lines: []string{"top", "utf8 USER", "sasl xoauth2 OAUTHBEARER xoauth2"},
			want: Capabilities{Known: true, Top: true, UTF8: true, SASL: []string{"XOAUTH2", "OAUTHBEARER"}}},
		{name: "login delay and expire", lines: []string{"LOGIN-DELAY 900", "EXPIRE 0"},
			want: Capabilities{Known: true, LoginDelay: 900 * time.Second, HasLoginDelay: true, HasExpire: true}},
		{name: "expire never", lines: []string{"EXPIRE NEVER"}, want: Capabilities{Known: true, HasExpire: true, ExpireNever: true}},
		{name: "expire per user", lines: []string{"EXPIRE 31 USER"}, want: Capabilities{Known: true, HasExpire: true, ExpireDays: 31}},
		{name: "huge login delay clamped", lines: []string{"LOGIN-DELAY 99999999999999999999999"},
			want: Capabilities{Known: true, LoginDelay: maxDelaySeconds * time.Second, HasLoginDelay: true}},
		{name: "malformed numbers ignored", lines: []string{"LOGIN-DELAY -5", "EXPIRE soon", "LOGIN-DELAY"}, want: Capabilities{Known: true}},
		{name: "implementation sanitized", lines: []string{"IMPLEMENTATION  Evil\x1b[31m Server\x07 1.0 "},
			want: Capabilities{Known: true, Implementation: "Evil[31m Server 1.0"}},
		{name: "bad mechanism names dropped", lines: []string{"SASL PLAIN PL/AIN " + strings.Repeat("A", 21) + " X\x1b"},
			want: Capabilities{Known: true, SASL: []string{"PLAIN"}}},
		{name: "unknown and blank lines", lines: []string{"", "   ", "X-FOO bar", "LANG"}, want: Capabilities{Known: true}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := ParseCapabilities(tt.lines)
			if !reflect.DeepEqual(*got, tt.want) {
				t.Fatalf("got %+v\nwant %+v", *got, tt.want)
			}
		})
	}
	c := ParseCapabilities([]string{"SASL plain Login"})
	if !c.HasSASL("PLAIN") || !c.HasSASL("login") || c.HasSASL("CRAM-MD5") {
		t.Fatalf("HasSASL wrong for %v", c.SASL)
	}
	many := make([]string, 1000)
	for i := range many {
		many[i] = "SASL M" + strings.Repeat("X", i%15) + string(rune('A'+i%26))
	}
	if got := ParseCapabilities(many); len(got.SASL) > maxSASL {
		t.Fatalf("kept %d mechanisms, bound is %d", len(got.SASL), maxSASL)
	}
}

func TestSanitize(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text", "plain text"},
		{"esc\x1b[2Jcleared", "esc[2Jcleared"},
		{"bell\x07 nul\x00 del\x7f", "bell nul del"},
		{"c1\u009b31m", "c131m"},
		{"tab\there", "tab here"},
		{"bidi\u202eevil", "bidievil"},
		{"bad utf8 \xff", "bad utf8 \ufffd"},
		{"  trimmed  ", "trimmed"},
		{"日本語", "日本語"},
	}
	for _, tt := range tests {
		if got := sanitize(tt.in, 100); got != tt.want {
			t.Errorf("sanitize(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
	if got := sanitize(strings.Repeat("é", 50), 10); got != strings.Repeat("é", 10)+"…" {
		t.Errorf("cut = %q", got)
	}
}

func TestParseUIDEntry(t *testing.T) {
	long := strings.Repeat("u", 300)
	tests := []struct {
		in   string
		want UIDEntry
		err  bool
	}{
		{in: "1 whqtswO00WBw418f9t5JxYwZ", want: UIDEntry{Number: 1, UID: "whqtswO00WBw418f9t5JxYwZ"}},
		{in: "2  spaced  ", want: UIDEntry{Number: 2, UID: "spaced"}},
		{in: "3 " + long, want: UIDEntry{Number: 3, UID: long}},
		// One bad unique-id is that message's problem, not the listing's.
		{in: "4 has space\x01\x1b", want: UIDEntry{Number: 4, Unusable: "a unique-id with byte 0x20 (RFC 1939 allows 0x21-0x7E)"}},
		{in: "5 " + strings.Repeat("u", MaxUIDLength+1), want: UIDEntry{Number: 5, Unusable: "a 513-byte unique-id (limit 512)"}},
		{in: "6 caf\xc3\xa9", want: UIDEntry{Number: 6, Unusable: "a unique-id with byte 0xc3 (RFC 1939 allows 0x21-0x7E)"}},
		{in: "6", err: true},
		{in: "6 ", want: UIDEntry{Number: 6, Unusable: "an empty unique-id"}},
		{in: "x uid", err: true},
		{in: "0 uid", err: true},
	}
	for _, tt := range tests {
		got, err := parseUIDEntry(tt.in)
		if tt.err != (err != nil) || got != tt.want {
			t.Errorf("parseUIDEntry(%q) = %+v, %v; want %+v, err %v", tt.in, got, err, tt.want, tt.err)
		}
	}
}

func TestAPOPTimestamp(t *testing.T) {
	tests := []struct{ in, want string }{
		{"POP3 server ready <1896.697170952@dbc.mtview.ca.us>", "<1896.697170952@dbc.mtview.ca.us>"},
		{"ready", ""},
		{"<>", ""},
		{"<a b@c>", ""},
		{"open <no end", ""},
		{"<" + strings.Repeat("a", 300) + ">", ""},
	}
	for _, tt := range tests {
		if got := apopTimestamp(tt.in); got != tt.want {
			t.Errorf("apopTimestamp(%q) = %q, want %q", tt.in, got, tt.want)
		}
	}
}

func TestErrorText(t *testing.T) {
	tests := []struct {
		err  error
		want string
	}{
		{&Error{Command: "PASS", Code: CodeAuth, Text: "invalid credentials"}, "pop3: PASS: [AUTH] invalid credentials"},
		{&Error{Command: "RETR 5", Text: "no such message"}, "pop3: RETR 5: no such message"},
		{&Error{Command: "DELE 1"}, "pop3: DELE 1: refused by the server (-ERR)"},
		{&ProtocolError{Command: "LIST", Err: ErrLineTooLong}, "pop3: LIST: reply line too long"},
		{&tlsFailedError{err: &Error{Command: "STLS", Text: "no"}}, "pop3: STLS failed, not continuing without TLS: STLS: no"},
	}
	for _, tt := range tests {
		if got := tt.err.Error(); got != tt.want {
			t.Errorf("Error() = %q, want %q", got, tt.want)
		}
	}
	if !errors.Is(&tlsFailedError{err: ErrInjection}, ErrTLSUnavailable) || !errors.Is(&tlsFailedError{err: ErrInjection}, ErrInjection) {
		t.Error("tlsFailedError must match ErrTLSUnavailable and its cause")
	}
	for code, temp := range map[string]bool{CodeInUse: true, CodeLoginDelay: true, CodeSysTemp: true, CodeSysPerm: false, CodeAuth: false, "": false} {
		if got := (&Error{Code: code}).Temporary(); got != temp {
			t.Errorf("Temporary(%q) = %v, want %v", code, got, temp)
		}
	}
}

func TestRedact(t *testing.T) {
	tests := []struct {
		name    string
		secrets []string
		in      string
		want    string
	}{
		{name: "long and its prefix", secrets: []string{"hunter2", "hunter2-long", ""},
			in: "-ERR bad password hunter2-long or hunter2\x1b", want: "-ERR bad password [redacted] or [redacted]"},
		{name: "short secret inside a word kept", secrets: []string{"pass"},
			in: "-ERR wrong password", want: "-ERR wrong password"},
		{name: "short secret as a word", secrets: []string{"pass"},
			in: "-ERR pass is wrong ('pass'), PASS=pass.", want: "-ERR [redacted] is wrong ('[redacted]'), PASS=[redacted]."},
		{name: "short secret at both ends", secrets: []string{"pw"}, in: "pw", want: "[redacted]"},
		{name: "short secret glued to punctuation of its own", secrets: []string{"!x!"},
			in: "a!x!b", want: "a[redacted]b"},
		{name: "short non-ASCII secret", secrets: []string{"pässe"},
			in: "pässe: 1pässe", want: "[redacted]: 1pässe"},
		{name: "short secret joined by a control character", secrets: []string{"pass"},
			in: "x pa\x1bss y", want: "x [redacted] y"},
		{name: "long secret anywhere", secrets: []string{"password"},
			in: "wrong password; passwords", want: "wrong [redacted]; [redacted]s"},
		{name: "cut never leaves part of a secret", secrets: []string{"tokentokentoken"},
			in: strings.Repeat("x", maxTextRunes-3) + "tokentokentoken", want: strings.Repeat("x", maxTextRunes-3) + "[re…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var s secrets
			for _, v := range tt.secrets {
				s.add(v)
			}
			if got := s.clean(tt.in); got != tt.want {
				t.Fatalf("clean(%q) = %q, want %q", tt.in, got, tt.want)
			}
		})
	}
}

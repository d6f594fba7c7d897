package message

import (
	"strings"
	"testing"
)

func TestSanitize(t *testing.T) {
	tests := []struct{ name, in, want string }{
		{"plain", "hello, world\n\tindented", "hello, world\n\tindented"},
		{"csi color", "a\x1b[31mred\x1b[0mb", "aredb"},
		{"csi private", "\x1b[?1049hx\x1b[2J", "x"},
		{"osc 52 bel", "x\x1b]52;c;cm0gLXJm\x07y", "xy"},
		{"osc 52 st", "x\x1b]52;c;cm0gLXJm\x1b\\y", "xy"},
		{"osc 8 link", "\x1b]8;;https://evil/\x07text\x1b]8;;\x07", "text"},
		{"osc unterminated stops at newline", "a\x1b]0;title\nnext", "a\nnext"},
		{"dcs", "a\x1bP1$r0m\x1b\\b", "ab"},
		{"sos pm apc", "\x1bXs\x1b\\\x1b^p\x1b\\\x1b_a\x1b\\ok", "ok"},
		{"two-byte escapes", "a\x1bcb\x1b(Bc\x1b7d", "abcd"},
		{"c1 csi", "a\u009b31mb", "ab"},
		{"c1 osc", "a\u009d52;c;x\u009cb", "ab"},
		{"c1 dcs and st", "a\u0090q\u009cb", "ab"},
		{"other c1", "a\u0085b\u0080c", "abc"},
		{"c0 and del", "a\x07b\x08c\rd\x00e\x7ff\x0bg\x0ch", "abcdefgh"},
		{"bidi overrides", "a\u202eb\u202dc\u202ad\u202be\u202cf", "abcdef"},
		{"bidi isolates", "\u2066a\u2067b\u2068c\u2069", "abc"},
		{"marks kept", "\u200fשלום\u200e \u061c", "\u200fשלום\u200e \u061c"},
		{"line separators", "a\u2028b\u2029c", "a b c"},
		{"invalid utf-8", "a\xffb\xc3", "a\uFFFDb\uFFFD"},
		{"raw 8-bit csi byte", "a\x9b31mb", "a\uFFFD31mb"},
		{"esc at end", "abc\x1b", "abc"},
		{"esc esc", "\x1b\x1b[31mx", "x"},
		{"cjk and emoji kept", "한국어 日本語 👨‍👩‍👧", "한국어 日本語 👨‍👩‍👧"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Sanitize(tt.in); got != tt.want {
				t.Errorf("Sanitize(%q) = %q, want %q", tt.in, got, tt.want)
			}
			if r, bad := forbidden(Sanitize(tt.in)); bad {
				t.Errorf("Sanitize(%q) keeps %U", tt.in, r)
			}
		})
	}
}

func TestSanitizeLine(t *testing.T) {
	if got := SanitizeLine("a\nb\tc\x1b[1m"); got != "a b c" {
		t.Errorf("SanitizeLine = %q", got)
	}
}

func TestSafeFilename(t *testing.T) {
	long := strings.Repeat("가", 100) + ".pdf" // 304 bytes
	tests := []struct{ in, want string }{
		{"report.pdf", "report.pdf"},
		{"../../etc/passwd", "passwd"},
		{`C:\Users\x\evil.exe`, "evil.exe"},
		{".bashrc", "bashrc"},
		{"..", "attachment"},
		{".", "attachment"},
		{"", "attachment"},
		{"   ", "attachment"},
		{"a\x1b]52;c;eA==\x07b.txt", "ab.txt"},
		{"invoice\u202efdp.exe", "invoicefdp.exe"},
		{"what?<>|*:\".txt", "what_______.txt"},
		{"line\nbreak.txt", "line break.txt"},
		{"trailing dots...", "trailing dots"},
		{"CON.txt", "_CON.txt"},
		{"한글 문서.hwp", "한글 문서.hwp"},
		{long, strings.Repeat("가", 65) + ".pdf"},
	}
	for _, tt := range tests {
		got := SafeFilename(tt.in)
		if got != tt.want {
			t.Errorf("SafeFilename(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if len(got) > maxFilenameBytes || strings.ContainsAny(got, "/\\\x00") || strings.HasPrefix(got, ".") {
			t.Errorf("SafeFilename(%q) = %q is not safe", tt.in, got)
		}
	}
}

package config

import (
	"context"
	"runtime"
	"strings"
	"testing"
	"time"
)

// TestSecretCmdEdgeCases: what a password_cmd can do wrong, and the exact
// sentence popterm says about it.
func TestSecretCmdEdgeCases(t *testing.T) {
	if runtime.GOOS == "windows" {
		t.Skip("needs sh")
	}
	tests := []struct {
		name, cmd, want, err string
	}{
		// The background child keeps stdout and stderr open for 10 s: the
		// line is read and popterm goes on without waiting for it.
		{"background child holds the output", "echo pw; sleep 10 &", "pw", ""},
		{"background child, no newline", "printf pw; (sleep 10 &)", "pw", ""},
		{"background child and failure", "echo pw; sleep 10 & exit 4", "", "failed (exit status 4)"},
		{"silent background child", "sleep 10 &", "", "printed nothing"},
		{"100 KB line", "head -c 102400 /dev/zero | tr '\\0' x", "", "longer than 64 KiB"},
		{"100 MB line", "head -c 104857600 /dev/zero | tr '\\0' x", "", "longer than 64 KiB"},
		{"line exactly 64 KiB", "head -c 65536 /dev/zero | tr '\\0' x; echo", strings.Repeat("x", 65536), ""},
		{"empty first line", "echo; echo second", "", "printed an empty first line"},
		{"stderr is quoted", "echo 'no key' >&2; exit 2", "", "failed (exit status 2): no key"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			a := testAccount()
			a.PasswordCmd = tt.cmd
			ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
			defer cancel()
			got, err := Password(ctx, a, NewMemStore())
			if tt.err == "" {
				if err != nil || got != tt.want {
					t.Fatalf("Password = %.40q, %v; want %.40q", got, err, tt.want)
				}
				return
			}
			if err == nil || !strings.Contains(err.Error(), tt.err) || !strings.Contains(err.Error(), "password_cmd") {
				t.Fatalf("err = %v, want it to say %q", err, tt.err)
			}
			if strings.Contains(err.Error(), "WaitDelay") || strings.Contains(err.Error(), "xxxx") {
				t.Errorf("the error is not the user's words or quotes the output: %v", err)
			}
		})
	}
}

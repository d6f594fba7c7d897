package pop3test

import "testing"

func TestSizeAndTop(t *testing.T) {
	tests := []struct {
		data string
		size int64
		top0 string // TOP n 0
		top1 string // TOP n 1
	}{
		{"", 0, "", ""},
		{"A: b", 6, "A: b", "A: b"},
		{"A: b\n\nx\ny\n", 14, "A: b\n\n", "A: b\n\nx\n"},
		{"A: b\r\n\r\nx\r\ny", 14, "A: b\r\n\r\n", "A: b\r\n\r\nx\r\n"},
		{"\nbody\n", 8, "\n", "\nbody\n"},
		{"A: b\n\n", 8, "A: b\n\n", "A: b\n\n"},
	}
	for _, tt := range tests {
		if got := crlfSize([]byte(tt.data)); got != tt.size {
			t.Errorf("crlfSize(%q) = %d, want %d", tt.data, got, tt.size)
		}
		if got := string(top([]byte(tt.data), 0)); got != tt.top0 {
			t.Errorf("top(%q, 0) = %q, want %q", tt.data, got, tt.top0)
		}
		if got := string(top([]byte(tt.data), 1)); got != tt.top1 {
			t.Errorf("top(%q, 1) = %q, want %q", tt.data, got, tt.top1)
		}
	}
}

package message

import "testing"

func TestFormatSize(t *testing.T) {
	for n, want := range map[int64]string{
		0: "0", 512: "512", 1023: "1023", 1126: "1.1K", 2048: "2.0K", 10 * 1024: "10K",
		1023 * 1024: "1023K", 1536 * 1024: "1.5M", 200 << 20: "200M", 3 << 30: "3.0G",
	} {
		if got := FormatSize(n); got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
		if len(FormatSize(n)) > 5 {
			t.Errorf("FormatSize(%d) = %q is wider than the columns", n, FormatSize(n))
		}
	}
}

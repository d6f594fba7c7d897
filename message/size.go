package message

import "fmt"

// FormatSize shows a byte count in five cells or fewer, the same way in
// `popterm list`, `popterm show` and the reader: 512, 1.2K, 34K, 5.1M, 2.0G
// (binary units).
func FormatSize(n int64) string {
	const k = 1024
	switch {
	case n < k:
		return fmt.Sprintf("%d", n)
	case n < 10*k:
		return fmt.Sprintf("%.1fK", float64(n)/k)
	case n < k*k:
		return fmt.Sprintf("%dK", n/k)
	case n < 10*k*k:
		return fmt.Sprintf("%.1fM", float64(n)/(k*k))
	case n < k*k*k:
		return fmt.Sprintf("%dM", n/(k*k))
	default:
		return fmt.Sprintf("%.1fG", float64(n)/(k*k*k))
	}
}

package config

import (
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Prefetch modes.
const (
	PrefetchAll         = "all"
	PrefetchNone        = "none"
	PrefetchNewerThan   = "newer_than"
	PrefetchSmallerThan = "smaller_than"
)

// Prefetch is the body download policy: "all", "none",
// "newer_than:30d" or "smaller_than:1MB".
type Prefetch struct {
	Mode        string // "all", "none", "newer_than", "smaller_than"
	NewerThan   time.Duration
	SmallerThan int64
}

// Wants reports whether a message of this size and date should be
// prefetched. The zero Prefetch means "all". A message without a date
// (zero time) counts as new, so that newer_than never skips it silently.
func (p Prefetch) Wants(size int64, date time.Time, now time.Time) bool {
	switch p.Mode {
	case PrefetchNone:
		return false
	case PrefetchNewerThan:
		return date.IsZero() || now.Sub(date) <= p.NewerThan
	case PrefetchSmallerThan:
		return size < p.SmallerThan
	default:
		return true
	}
}

// String formats the policy as it is written in the file.
func (p Prefetch) String() string {
	switch p.Mode {
	case PrefetchNewerThan:
		return PrefetchNewerThan + ":" + FormatDuration(p.NewerThan)
	case PrefetchSmallerThan:
		return PrefetchSmallerThan + ":" + FormatSize(p.SmallerThan)
	case PrefetchNone:
		return PrefetchNone
	default:
		return PrefetchAll
	}
}

// ParsePrefetch parses "all", "none", "newer_than:30d" or
// "smaller_than:1MB".
func ParsePrefetch(s string) (Prefetch, error) {
	mode, arg, hasArg := strings.Cut(strings.TrimSpace(s), ":")
	switch {
	case (mode == PrefetchAll || mode == PrefetchNone) && !hasArg:
		return Prefetch{Mode: mode}, nil
	case mode == PrefetchNewerThan && hasArg:
		d, err := ParseDuration(arg)
		if err != nil {
			return Prefetch{}, err
		}
		return Prefetch{Mode: mode, NewerThan: d}, nil
	case mode == PrefetchSmallerThan && hasArg:
		n, err := ParseSize(arg)
		if err != nil {
			return Prefetch{}, err
		}
		return Prefetch{Mode: mode, SmallerThan: n}, nil
	}
	return Prefetch{}, fmt.Errorf("unknown policy %q", s)
}

// ParseDuration parses a positive duration with a unit: "30s", "5m", "2h",
// "30d" (days), or any time.ParseDuration form such as "1h30m". A bare
// number is an error, never nanoseconds.
func ParseDuration(s string) (time.Duration, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, errors.New("empty duration")
	}
	if _, err := strconv.ParseFloat(s, 64); err == nil {
		return 0, fmt.Errorf("%q has no unit (write e.g. %q)", s, s+"s")
	}
	if days, ok := strings.CutSuffix(s, "d"); ok {
		n, err := strconv.Atoi(days)
		if err != nil || n < 0 || n > 100000 {
			return 0, fmt.Errorf("bad number of days %q", s)
		}
		return time.Duration(n) * 24 * time.Hour, nil
	}
	d, err := time.ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf("bad duration %q", s)
	}
	if d < 0 {
		return 0, fmt.Errorf("negative duration %q", s)
	}
	return d, nil
}

// FormatDuration writes d in the largest unit that divides it exactly:
// "30d", "2h", "5m", "30s", else time.Duration's own form.
func FormatDuration(d time.Duration) string {
	day := 24 * time.Hour
	switch {
	case d == 0:
		return "0s"
	case d%day == 0:
		return strconv.FormatInt(int64(d/day), 10) + "d"
	case d%time.Hour == 0:
		return strconv.FormatInt(int64(d/time.Hour), 10) + "h"
	case d%time.Minute == 0:
		return strconv.FormatInt(int64(d/time.Minute), 10) + "m"
	case d%time.Second == 0:
		return strconv.FormatInt(int64(d/time.Second), 10) + "s"
	}
	return d.String()
}

// ParseSize parses a size with a unit: "512KB", "10MB", "1GB", "100B"
// (binary units: 1KB = 1024 bytes; KiB, MiB, GiB are the same). A bare
// number is an error.
func ParseSize(s string) (int64, error) {
	// Longest suffixes first, so "10KB" is not read as "10K" + "B".
	units := [...]struct {
		suffix string
		mult   int64
	}{
		{"KIB", 1 << 10}, {"MIB", 1 << 20}, {"GIB", 1 << 30},
		{"KB", 1 << 10}, {"MB", 1 << 20}, {"GB", 1 << 30},
		{"K", 1 << 10}, {"M", 1 << 20}, {"G", 1 << 30},
		{"B", 1},
	}
	t := strings.ToUpper(strings.TrimSpace(s))
	for _, u := range units {
		num, ok := strings.CutSuffix(t, u.suffix)
		if !ok {
			continue
		}
		n, err := strconv.ParseInt(strings.TrimSpace(num), 10, 64)
		if err != nil || n < 0 || n > (1<<62)/u.mult {
			return 0, fmt.Errorf("bad size %q", s)
		}
		return n * u.mult, nil
	}
	return 0, fmt.Errorf("size %q has no unit (write e.g. \"10MB\" or \"512KB\")", s)
}

// FormatSize writes n with the largest binary unit that divides it exactly.
func FormatSize(n int64) string {
	for _, u := range []struct {
		suffix string
		mult   int64
	}{{"GB", 1 << 30}, {"MB", 1 << 20}, {"KB", 1 << 10}} {
		if n != 0 && n%u.mult == 0 {
			return strconv.FormatInt(n/u.mult, 10) + u.suffix
		}
	}
	return strconv.FormatInt(n, 10) + "B"
}

// ValidName checks an account name. Names become folder names, so they are
// 1 to 64 characters of A-Z, a-z, 0-9, ".", "_" and "-", not starting with a
// dot.
func ValidName(name string) error {
	if name == "" {
		return errors.New("the account name is empty")
	}
	if len(name) > 64 {
		return fmt.Errorf("the account name is longer than 64 characters")
	}
	if name[0] == '.' {
		return fmt.Errorf("the account name %q starts with a dot", name)
	}
	for _, r := range name {
		if !(r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) || r == '.' || r == '_' || r == '-') {
			return fmt.Errorf("the account name %q has %q: use only letters, digits, \".\", \"_\" and \"-\"", name, r)
		}
	}
	return nil
}

// SafeName turns s into a valid account name (used to suggest one from an
// address or a domain): other characters become "-".
func SafeName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r)) || r == '.' || r == '_' || r == '-' {
			b.WriteRune(r)
		} else {
			b.WriteByte('-')
		}
		if b.Len() >= 64 {
			break
		}
	}
	name := strings.TrimLeft(b.String(), ".")
	if name == "" {
		return "mail"
	}
	return name
}

// hasControl reports whether s has a control character (CR, LF, NUL...).
func hasControl(s string) bool {
	return strings.ContainsFunc(s, unicode.IsControl)
}

func joinHostPort(host string, port int) string {
	return net.JoinHostPort(host, strconv.Itoa(port))
}

// NormalizeFingerprint checks a SHA-256 certificate fingerprint written in
// hex, with or without colons (as openssl prints it), and returns it in
// lower case without colons.
func NormalizeFingerprint(s string) (string, error) {
	h := strings.ToLower(strings.ReplaceAll(strings.TrimSpace(s), ":", ""))
	if len(h) != 64 {
		return "", fmt.Errorf("a SHA-256 fingerprint has 64 hex digits, got %d", len(h))
	}
	for _, c := range h {
		if !(c >= '0' && c <= '9' || c >= 'a' && c <= 'f') {
			return "", fmt.Errorf("a SHA-256 fingerprint is hex digits, got %q", c)
		}
	}
	return h, nil
}

// quoteList formats names as "a", "b", "c".
func quoteList(names []string) string {
	q := make([]string, len(names))
	for i, n := range names {
		q[i] = strconv.Quote(n)
	}
	return strings.Join(q, ", ")
}

// suggest returns the candidate closest to s by edit distance, or "" when
// none is close enough to be a likely typo.
func suggest(s string, candidates []string) string {
	best, bestDist := "", 0
	for _, c := range candidates {
		d := editDistance(strings.ToLower(s), strings.ToLower(c))
		if best == "" || d < bestDist {
			best, bestDist = c, d
		}
	}
	limit := max(1, min(3, len(s)/3+1))
	if best == "" || bestDist > limit {
		return ""
	}
	return best
}

// editDistance is the Levenshtein distance between a and b (in bytes).
func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}

// parseCheckInterval reads check_interval: "0" (no checks) or a duration
// of at least MinCheckInterval.
func parseCheckInterval(s string) (time.Duration, error) {
	if strings.TrimSpace(s) == "0" {
		return 0, nil
	}
	d, err := ParseDuration(s)
	if err != nil {
		return 0, fmt.Errorf(`expected a duration like "10m", or "0" for no checks: %v`, err)
	}
	if d < MinCheckInterval {
		return 0, fmt.Errorf(`%q is shorter than a minute, which servers may take for abuse: write "1m" or more, or "0" for no checks`, s)
	}
	return d, nil
}

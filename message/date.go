package message

import (
	"net/mail"
	"strconv"
	"strings"
	"time"
)

// zoneOffsets are the zone names seen in Date headers, in seconds east of
// UTC. RFC 5322 4.3 names the US ones; the rest are common in the wild.
var zoneOffsets = map[string]int{
	"UT": 0, "UTC": 0, "GMT": 0, "Z": 0, "WET": 0,
	"EST": -5 * 3600, "EDT": -4 * 3600, "CST": -6 * 3600, "CDT": -5 * 3600,
	"MST": -7 * 3600, "MDT": -6 * 3600, "PST": -8 * 3600, "PDT": -7 * 3600,
	"BST": 3600, "CET": 3600, "CEST": 2 * 3600, "MET": 3600, "MEST": 2 * 3600,
	"EET": 2 * 3600, "EEST": 3 * 3600, "MSK": 3 * 3600,
	"KST": 9 * 3600, "JST": 9 * 3600, "HKT": 8 * 3600, "SGT": 8 * 3600,
	"AEST": 10 * 3600, "AEDT": 11 * 3600, "NZST": 12 * 3600, "NZDT": 13 * 3600,
}

var monthNames = map[string]time.Month{
	"jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
	"jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12,
}

// parseDate parses a Date header robustly: a token scan that accepts the
// RFC 5322 form and a missing weekday or seconds, two-digit years, zone
// names, "+0000 (UTC)" comments, asctime and ISO 8601 forms. It returns the
// zero time when nothing sensible is found.
func parseDate(v string) time.Time {
	v = strings.TrimSpace(v)
	if v == "" || len(v) > 200 {
		return time.Time{}
	}
	if t := scanDate(v); !t.IsZero() {
		return t
	}
	if t, err := mail.ParseDate(v); err == nil && plausibleYear(t.Year()) {
		return t
	}
	for _, layout := range []string{time.RFC3339, "2006-01-02 15:04:05 -0700", "2006-01-02 15:04:05Z07:00", "2006-01-02T15:04:05"} {
		if t, err := time.Parse(layout, v); err == nil && plausibleYear(t.Year()) {
			return t
		}
	}
	return time.Time{}
}

// plausibleYear rejects years no real mail has.
func plausibleYear(y int) bool { return y >= 1970 && y <= 9999 }

// scanDate finds day, month, year, time and zone tokens in any order.
func scanDate(v string) time.Time {
	v, _ = stripComments(v)
	var fields []string
	for _, f := range strings.FieldsFunc(v, func(r rune) bool { return r == ' ' || r == ',' || r == '\t' }) {
		// "10-Mar-2026" (RFC 850 style) is three tokens.
		if strings.IndexByte(f, '-') > 0 && strings.IndexFunc(f, func(r rune) bool { return r >= 'A' && r <= 'z' }) >= 0 {
			fields = append(fields, strings.FieldsFunc(f, func(r rune) bool { return r == '-' })...)
			continue
		}
		fields = append(fields, f)
	}
	day, year, hh, mm, ss := -1, -1, -1, 0, 0
	var month time.Month
	offset, zoneSeen := 0, false
	for _, f := range fields {
		f = strings.TrimSuffix(f, ".")
		if f == "" {
			continue
		}
		lower := strings.ToLower(f)
		switch {
		case len(lower) >= 3 && monthNames[lower[:3]] != 0 && month == 0 && isLetters(lower):
			month = monthNames[lower[:3]]
		case strings.Contains(f, ":") && hh < 0 && f[0] >= '0' && f[0] <= '9':
			hh, mm, ss = parseClock(f)
		case (f[0] == '+' || f[0] == '-') && len(f) >= 3 && !zoneSeen:
			if o, ok := parseOffset(f); ok {
				offset, zoneSeen = o, true
			}
		case isDigits(f):
			n, _ := strconv.Atoi(f)
			switch {
			case len(f) >= 3 && year < 0:
				year = n
				if len(f) == 3 {
					year += 1900
				}
			case day < 0 && n >= 1 && n <= 31:
				day = n
			case year < 0 && len(f) == 2:
				year = n + 1900
				if n < 50 {
					year = n + 2000
				}
			}
		default:
			if o, ok := zoneOffsets[strings.ToUpper(f)]; ok && !zoneSeen {
				offset, zoneSeen = o, true
			}
		}
	}
	if day < 0 || month == 0 || year < 0 || !plausibleYear(year) || hh < 0 || hh > 24 || mm > 59 || ss > 60 {
		return time.Time{}
	}
	if ss == 60 {
		ss = 59
	}
	loc := time.UTC
	if offset != 0 {
		loc = time.FixedZone("", offset)
	}
	t := time.Date(year, month, day, hh, mm, ss, 0, loc)
	if t.Day() != day { // 31 Feb and the like
		return time.Time{}
	}
	return t
}

// parseClock parses "15:04", "15:04:05" or "15:04:05.123".
func parseClock(f string) (h, m, s int) {
	parts := strings.Split(f, ":")
	if len(parts) < 2 || len(parts) > 3 {
		return -1, 0, 0
	}
	var err error
	if h, err = strconv.Atoi(parts[0]); err != nil {
		return -1, 0, 0
	}
	if m, err = strconv.Atoi(parts[1]); err != nil || m < 0 {
		return -1, 0, 0
	}
	if len(parts) == 3 {
		sec, _, _ := strings.Cut(parts[2], ".")
		if s, err = strconv.Atoi(sec); err != nil || s < 0 {
			return -1, 0, 0
		}
	}
	return h, m, s
}

// parseOffset parses "+0900", "-05:00" or "+09".
func parseOffset(f string) (int, bool) {
	sign := 1
	if f[0] == '-' {
		sign = -1
	}
	d := strings.ReplaceAll(f[1:], ":", "")
	if !isDigits(d) || (len(d) != 4 && len(d) != 2) {
		return 0, false
	}
	h, _ := strconv.Atoi(d[:2])
	m := 0
	if len(d) == 4 {
		m, _ = strconv.Atoi(d[2:])
	}
	if h > 23 || m > 59 {
		return 0, false
	}
	return sign * (h*3600 + m*60), true
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

func isLetters(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] < 'a' || s[i] > 'z' {
			return false
		}
	}
	return true
}

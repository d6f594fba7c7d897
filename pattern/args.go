package pattern

import (
	"math"
	"strconv"
	"strings"
	"time"
)

const dayLayout = "2006-01-02"

// date reads ~d's argument: <N[dwmy] (newer than), >N[dwmy] (older than),
// <DAY (before), >DAY (after), DAY, DAY..DAY, DAY.., ..DAY.
func (p *parser) date(t *token) (*node, error) {
	s := t.text
	n := &node{op: opDate, lo: math.MinInt64, hi: math.MaxInt64}
	if rest, ok := strings.CutPrefix(s, "<"); ok {
		if age, ok := parseAge(rest); ok {
			n.lo = p.now.Add(-age).Unix() + 1 // strictly newer
			return n, nil
		}
		day, err := p.day(t, rest)
		if err != nil {
			return nil, err
		}
		n.hi = day.Unix()
		return n, nil
	}
	if rest, ok := strings.CutPrefix(s, ">"); ok {
		if age, ok := parseAge(rest); ok {
			n.hi = p.now.Add(-age).Unix()
			return n, nil
		}
		day, err := p.day(t, rest)
		if err != nil {
			return nil, err
		}
		n.lo = day.AddDate(0, 0, 1).Unix()
		return n, nil
	}
	from, to, isRange := strings.Cut(s, "..")
	if !isRange {
		to = from
	}
	if from == "" && to == "" {
		return nil, t.err("~d needs a date (<7d, >30d, 2026-01-01..2026-02-01)")
	}
	if from != "" {
		day, err := p.day(t, from)
		if err != nil {
			return nil, err
		}
		n.lo = day.Unix()
	}
	if to != "" {
		day, err := p.day(t, to)
		if err != nil {
			return nil, err
		}
		n.hi = day.AddDate(0, 0, 1).Unix()
	}
	if n.lo >= n.hi {
		return nil, t.err("the range ends before it starts")
	}
	return n, nil
}

// day parses YYYY-MM-DD as the start of that day where now is.
func (p *parser) day(t *token, s string) (time.Time, error) {
	d, err := time.ParseInLocation(dayLayout, s, p.now.Location())
	if err != nil {
		return d, t.err("not a date: write <7d, >30d, 2026-01-01 or 2026-01-01..2026-02-01")
	}
	return d, nil
}

// parseAge reads N followed by d (days), w (weeks), m (30 days) or y (365
// days).
func parseAge(s string) (time.Duration, bool) {
	if len(s) < 2 {
		return 0, false
	}
	num, err := strconv.Atoi(s[:len(s)-1])
	if err != nil || num < 0 || num > 100000 {
		return 0, false
	}
	days := map[byte]int{'d': 1, 'w': 7, 'm': 30, 'y': 365}[s[len(s)-1]]
	if days == 0 {
		return 0, false
	}
	return time.Duration(num*days) * 24 * time.Hour, true
}

// size reads ~z's argument: >N, <N, N..M, ..M, N.., or N exactly, with an
// optional unit B, K, M or G (powers of 1024).
func size(t *token) (*node, error) {
	n := &node{op: opSize, lo: 0, hi: math.MaxInt64}
	s := t.text
	var err error
	switch {
	case strings.HasPrefix(s, ">"):
		var v int64
		v, err = parseSize(s[1:])
		n.lo = v + 1
	case strings.HasPrefix(s, "<"):
		var v int64
		v, err = parseSize(s[1:])
		n.hi = v - 1
	default:
		from, to, isRange := strings.Cut(s, "..")
		if !isRange {
			to = from
		}
		if from != "" {
			n.lo, err = parseSize(from)
		}
		if err == nil && to != "" {
			n.hi, err = parseSize(to)
		}
		if err == nil && from == "" && to == "" {
			err = strconv.ErrSyntax
		}
	}
	if err != nil {
		return nil, t.err("not a size: write >1M, <10K or 1K..5M")
	}
	if n.lo > n.hi {
		return nil, t.err("no size is in this range")
	}
	return n, nil
}

// parseSize reads a number of bytes with an optional unit.
func parseSize(s string) (int64, error) {
	mult := int64(1)
	if s != "" {
		switch s[len(s)-1] {
		case 'b', 'B':
			s = s[:len(s)-1]
		case 'k', 'K':
			mult, s = 1<<10, s[:len(s)-1]
		case 'm', 'M':
			mult, s = 1<<20, s[:len(s)-1]
		case 'g', 'G':
			mult, s = 1<<30, s[:len(s)-1]
		}
	}
	if s == "" || strings.Trim(s, "0123456789.") != "" || strings.Count(s, ".") > 1 {
		return 0, strconv.ErrSyntax
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || f*float64(mult) > 1<<50 {
		return 0, strconv.ErrSyntax
	}
	return int64(f * float64(mult)), nil
}

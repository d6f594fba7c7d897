package pattern

import (
	"errors"
	"slices"
	"strings"
	"testing"
	"time"
)

var now = time.Date(2026, 11, 26, 12, 0, 0, 0, time.UTC)

// msgs are the messages every case matches against, by name.
var msgs = map[string]Fields{
	"alice": {From: "Alice Martin <alice@example.org>", To: []string{"bob@example.com"}, Subject: "Lunch on Friday?",
		Date: now.Add(-2 * time.Hour), Size: 2300, New: true},
	"invoice": {From: "Dave <dave@example.com>", To: []string{"Accounts <acc@example.org>", "me@example.com"}, Subject: "Invoice 2026-117",
		Date: time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC), Size: 3 << 20, Flagged: true, Attachments: true},
	"old": {From: "Eve <eve@example.com>", To: []string{"me@example.com"}, Subject: "Old thread",
		Date: time.Date(2024, 3, 1, 9, 0, 0, 0, time.UTC), Size: 700, Deleted: true, Tagged: true},
}

// found is the fake store search: "report" is in the invoice's body.
func found(name string) func(string) bool {
	return func(text string) bool {
		body := map[string]string{"alice": "see you at noon", "invoice": "the yearly report", "old": ""}[name]
		return strings.Contains(body, strings.ToLower(text))
	}
}

func TestMatch(t *testing.T) {
	tests := []struct {
		pattern string
		want    []string
	}{
		{"~f alice", []string{"alice"}},
		{"~f ALICE", []string{"alice"}},
		{"~f example.com", []string{"invoice", "old"}},
		{"~t acc", []string{"invoice"}},
		{"~t me@", []string{"invoice", "old"}},
		{"~s friday", []string{"alice"}},
		{`~s "old thread"`, []string{"old"}},
		{"~b report", []string{"invoice"}},
		{"report", []string{"invoice"}},
		{"noon ~N", []string{"alice"}},
		{"~N", []string{"alice"}},
		{"~F", []string{"invoice"}},
		{"~D", []string{"old"}},
		{"~A", []string{"invoice"}},
		{"~T", []string{"old"}},
		{"!~N", []string{"invoice", "old"}},
		{"~N | ~F", []string{"alice", "invoice"}},
		{"~N|~D", []string{"alice", "old"}},
		{"~f example.com !~D", []string{"invoice"}},
		{"(~N | ~F) ~z >1M", []string{"invoice"}},
		{"!(~N | ~F)", []string{"old"}},
		{"~d <7d", []string{"alice"}},
		{"~d >30d", []string{"invoice", "old"}},
		{"~d <2w", []string{"alice"}},
		{"~d >1y", []string{"old"}},
		{"~d 2026-01-01..2026-02-01", []string{"invoice"}},
		{"~d 2026-01-15", []string{"invoice"}},
		{"~d 2026-01-01..", []string{"alice", "invoice"}},
		{"~d ..2025-12-31", []string{"old"}},
		{"~d <2026-01-01", []string{"old"}},
		{"~d >2026-01-14", []string{"alice", "invoice"}},
		{"~z >1M", []string{"invoice"}},
		{"~z <1K", []string{"old"}},
		{"~z 1K..5K", []string{"alice"}},
		{"~z 700", []string{"old"}},
		{"~z 2.5M..", []string{"invoice"}},
		{"~s friday | ~s thread ~D", []string{"alice", "old"}},
	}
	for _, tt := range tests {
		p, err := Parse(tt.pattern, now)
		if err != nil {
			t.Errorf("%q: %v", tt.pattern, err)
			continue
		}
		var got []string
		for _, name := range []string{"alice", "invoice", "old"} {
			f := msgs[name]
			if p.Match(&f, found(name)) {
				got = append(got, name)
			}
		}
		if !slices.Equal(got, tt.want) {
			t.Errorf("%q matches %v, want %v", tt.pattern, got, tt.want)
		}
	}
}

// A bad pattern is one line that names the bad part and its column.
func TestErrors(t *testing.T) {
	tests := []struct {
		pattern string
		want    string
	}{
		{"~f a ~x", "~x at column 6: unknown pattern ~x (see ? for the list)"},
		{"~f", "~f at column 1: ~f needs text after it"},
		{"~f |", "~f at column 1: ~f needs text after it"},
		{"~d soon", "soon at column 4: not a date: write <7d, >30d, 2026-01-01 or 2026-01-01..2026-02-01"},
		{"~d 2026-02-01..2026-01-01", "2026-02-01..2026-01-01 at column 4: the range ends before it starts"},
		{"~z >lots", ">lots at column 4: not a size: write >1M, <10K or 1K..5M"},
		{"~z NaN", "NaN at column 4: not a size: write >1M, <10K or 1K..5M"},
		{"(~N | ~F", "( at column 1: this parenthesis is not closed"},
		{"~N )", ") at column 4: unexpected )"},
		{"~N |", "| at column 4: | needs a pattern after it"},
		{"| ~N", "| at column 1: | needs a pattern before it"},
		{"~N !", "! at column 4: ! needs a pattern after it"},
		{`~s "open`, `" at column 4: the quote is not closed`},
		{"~N ~", "~ at column 4: ~ needs a letter after it (see ? for the list)"},
		{"   ", "at column 1: the pattern is empty"},
		{"~s ()", "~s at column 1: ~s needs text after it"},
		{"회의 ~q", "~q at column 4: unknown pattern ~q (see ? for the list)"},
	}
	for _, tt := range tests {
		_, err := Parse(tt.pattern, now)
		var pe *Error
		if !errors.As(err, &pe) {
			t.Errorf("%q: error %v, want a *Error", tt.pattern, err)
			continue
		}
		if err.Error() != tt.want {
			t.Errorf("%q:\n got %s\nwant %s", tt.pattern, err, tt.want)
		}
	}
}

func TestSearches(t *testing.T) {
	p, err := Parse(`report ~b "the year" ~s x | report !~b noon`, now)
	if err != nil {
		t.Fatal(err)
	}
	if got := p.Searches(); !slices.Equal(got, []string{"report", "the year", "noon"}) {
		t.Errorf("searches %v", got)
	}
	if p.String() != `report ~b "the year" ~s x | report !~b noon` {
		t.Errorf("String %q", p.String())
	}
	f := msgs["invoice"]
	if p.Match(&f, nil) {
		t.Error("a search matched with no search results")
	}
}

// Days are calendar days where now is.
func TestDayBoundsFollowLocation(t *testing.T) {
	loc := time.FixedZone("UTC+9", 9*3600)
	p, err := Parse("~d 2026-01-15", now.In(loc))
	if err != nil {
		t.Fatal(err)
	}
	in := Fields{Date: time.Date(2026, 1, 14, 16, 0, 0, 0, time.UTC)} // 01:00 on the 15th there
	out := Fields{Date: time.Date(2026, 1, 15, 16, 0, 0, 0, time.UTC)}
	if !p.Match(&in, nil) || p.Match(&out, nil) {
		t.Error("day bounds ignore the location")
	}
	if p.Match(&Fields{}, nil) {
		t.Error("a message without a date matched a date pattern")
	}
}

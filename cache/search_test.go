package cache

import (
	"context"
	"slices"
	"strings"
	"testing"
)

func TestSearch(t *testing.T) {
	s := openTest(t)
	ctx := context.Background()
	msgs := []struct {
		from, subject, body string
	}{
		{"Alice <alice@example.org>", "Quarterly REPORT draft", "numbers attached"},
		{"Bob <bob@example.org>", "lunch?", "see the e-mail from Carol about 100% of the budget_2024"},
		{"김철수 <kim@example.kr>", "안녕하세요 회의 일정", "내일 오후 세시에 만나요"},
		{"Zoë <zoe@example.fr>", "Café crème", "déjà vu AND NEAR(x) \"quoted\" * star"},
	}
	var all []int64
	for i, m := range msgs {
		id := addTest(t, s, NewMessage{UIDL: strings.Repeat("u", i+1), Header: hdr(m.from, "me@example.org", m.subject, simple(i, "").date(), "")})[0]
		body := "From: " + m.from + "\r\nSubject: " + m.subject + "\r\n\r\n" + m.body + "\r\n"
		if err := s.SaveBody(ctx, id, strings.NewReader(body)); err != nil {
			t.Fatal(err)
		}
		all = append(all, id)
	}
	newestFirst := func(idx ...int) []int64 {
		var out []int64
		for _, i := range idx {
			out = append(out, all[i])
		}
		slices.Reverse(out)
		return out
	}
	for _, tc := range []struct {
		search string
		want   []int64
	}{
		{"", newestFirst(0, 1, 2, 3)},
		{"   ", newestFirst(0, 1, 2, 3)},
		{"report", newestFirst(0)},
		{"quarterly Report", newestFirst(0)},
		{"report lunch", nil},             // all words required
		{"ALICE", newestFirst(0)},         // address, any case
		{"alice@example", newestFirst(0)}, // From address
		{"me@example.org", newestFirst(0, 1, 2, 3)},
		{"attached", newestFirst(0)}, // body text
		{"e-mail", newestFirst(1)},
		{"100%", newestFirst(1)},
		{"%", nil}, // a LIKE wildcard, literally; bodies are indexed by word, so punctuation in a body is not found
		{"_", nil},
		{"lunch?", newestFirst(1)}, // punctuation in a header is found
		{"t_3", nil},
		{"t_20", nil},
		{"budg", newestFirst(1)}, // a body word by its beginning
		{"udget", nil},           // not inside a body word
		{`"`, nil},
		{`"quoted"`, newestFirst(3)},
		{"AND", newestFirst(3)},
		{"and", newestFirst(3)},
		{"*", nil},
		{"NEAR(", newestFirst(3)},
		{"NEAR(x)", newestFirst(3)},
		{"OR", newestFirst(0, 1, 2, 3)}, // "example.ORg"
		{"회의", newestFirst(2)},          // Korean, two characters: LIKE
		{"안녕", newestFirst(2)},
		{"세시", newestFirst(2)},
		{"회의 일정", newestFirst(2)},
		{"녕하세", newestFirst(2)}, // a substring, trigram
		{"김철수", newestFirst(2)},
		{"café", newestFirst(3)},
		{"CAFÉ", newestFirst(3)}, // unicode case folding (trigram)
		{"déjà", newestFirst(3)},
		{"x", newestFirst(0, 1, 2, 3)}, // "eXample"
		{"vu", newestFirst(3)},
		{"zz", nil},
		{"\x00", newestFirst(0, 1, 2, 3)}, // controls are dropped: no words
		{"rep\x00ort", newestFirst(0)},
		{"-", nil},
		{"세시", newestFirst(2)}, // a Korean body word by its beginning
		{"^", nil},
		{"'; DROP TABLE messages; --", nil},
	} {
		got, err := s.List(ctx, Query{Search: tc.search})
		if err != nil {
			t.Errorf("search %q: %v", tc.search, err)
			continue
		}
		if !slices.Equal(ids(got), tc.want) {
			t.Errorf("search %q = %v, want %v", tc.search, ids(got), tc.want)
		}
	}
	// Pages take other query plans than whole listings: same order.
	for _, search := range []string{"example", "ex", "example me", "org ex", "회의"} {
		whole, err := s.List(ctx, Query{Search: search})
		if err != nil {
			t.Fatal(err)
		}
		for off := range len(whole) + 1 {
			page, err := s.List(ctx, Query{Search: search, Limit: 2, Offset: off})
			if err != nil {
				t.Fatal(err)
			}
			if want := whole[off:min(off+2, len(whole))]; !slices.Equal(ids(page), ids(want)) {
				t.Errorf("search %q page at %d = %v, want %v", search, off, ids(page), ids(want))
			}
		}
	}
}

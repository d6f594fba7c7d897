package cache

import (
	"context"
	"testing"
)

// FuzzSearch checks that no search input is an error.
func FuzzSearch(f *testing.F) {
	for _, seed := range []string{"e-mail", `"`, "AND", "*", "NEAR(", "회의", "a OR b", `x"y`, "%_\\", "^col:", "-", "\x00", "\xff\xfe"} {
		f.Add(seed)
	}
	s := openTest(f)
	ctx := context.Background()
	id := addTest(f, s, simple(1, "fuzz target"))[0]
	if err := s.SaveBody(ctx, id, stringsReader("Subject: fuzz target\n\nsome e-mail body\n")); err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, search string) {
		for _, limit := range []int{0, 5} {
			if _, err := s.List(ctx, Query{Search: search, Limit: limit}); err != nil {
				t.Fatalf("search %q: %v", search, err)
			}
		}
	})
}

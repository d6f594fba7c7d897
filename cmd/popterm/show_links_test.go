package main

import (
	"strings"
	"testing"
)

// TestShowListsLinksOnce checks that show prints the footer of an HTML
// message's links once (the body carries it), and no [n] list for plain
// text, whose URLs are visible where they stand.
func TestShowListsLinksOnce(t *testing.T) {
	code, out, errOut := runDemoArgs(t, "show", "9") // the HTML newsletter
	if code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if n := strings.Count(out, "[1] https://news.example.com/articles/"); n != 1 {
		t.Errorf("the newsletter's first link is listed %d times, want once:\n%s", n, out)
	}
	code, out, errOut = runDemoArgs(t, "show", "10") // plain text with a URL
	if code != exitOK {
		t.Fatalf("exit %d, stderr %q", code, errOut)
	}
	if strings.Contains(out, "[1] ") {
		t.Errorf("a plain-text message got a link list:\n%s", out)
	}
}

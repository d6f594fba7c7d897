package ui

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/popterm/popterm/mailapi"
)

// TestPagerFailureSaysWhy: a stored message that fails to open is not
// described as "not downloaded yet".
func TestPagerFailureSaysWhy(t *testing.T) {
	keys := DefaultKeyMap()
	styles := NewStyles("", true, true)
	for _, tc := range []struct {
		cached bool
		want   string
	}{
		{false, "not downloaded yet"},
		{true, "This stored message could not be opened"},
	} {
		p := newPager(&keys, &styles, time.UTC)
		p.SetSize(80, 24)
		p.Load(mailapi.Summary{ID: 1, Subject: "s", Cached: tc.cached})
		p.SetMessage(nil, errors.New("read index.db: disk I/O error"))
		if got := p.View(); !strings.Contains(got, tc.want) {
			t.Errorf("cached=%v: view lacks %q:\n%s", tc.cached, tc.want, got)
		}
	}
}

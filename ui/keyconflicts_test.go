package ui

import (
	"slices"
	"testing"
)

func TestDefaultKeysHaveNoConflicts(t *testing.T) {
	if cs := KeyConflicts(nil); len(cs) != 0 {
		t.Errorf("the default bindings conflict: %+v", cs)
	}
}

func TestEveryActionIsOnAScreen(t *testing.T) {
	var listed []string
	for _, s := range screenActions() {
		listed = append(listed, s.actions...)
	}
	for _, a := range Actions() {
		if !slices.Contains(listed, a) {
			t.Errorf("action %q is on no screen: add it to screenActions so its conflicts are found", a)
		}
	}
}

func TestKeyConflicts(t *testing.T) {
	cs := KeyConflicts(map[string][]string{"quit": {"j"}})
	want := KeyConflict{Key: "j", Screen: "index", Action: [2]string{"down", "quit"}}
	if len(cs) != 1 || cs[0] != want {
		t.Errorf("quit = [\"j\"]: conflicts %+v, want [%+v]", cs, want)
	}
	// q quits in the index and goes back in the pager: different screens.
	if cs := KeyConflicts(map[string][]string{"quit": {"Q"}, "back": {"Q", "esc"}}); len(cs) != 0 {
		t.Errorf("one key on two screens was refused: %+v", cs)
	}
	if cs := KeyConflicts(map[string][]string{"threads": {"J"}}); len(cs) != 0 {
		t.Errorf("threads = J (an index key) conflicts with next_message, a pager key: %+v", cs)
	}
	if cs := KeyConflicts(map[string][]string{"headers": {"J"}}); len(cs) != 1 || cs[0].Screen != "pager" {
		t.Errorf("headers = J (next_message): %+v", cs)
	}
}

package ui

import "slices"

// KeyConflict is one key bound to two actions of the same screen, which
// would make one of them unreachable (quit = ["j"] would make j quit
// instead of moving down). The same key on different screens is fine.
type KeyConflict struct {
	Key    string    // the key, as the config names it
	Screen string    // "index", "pager", "attachments", "accounts", "folders", "output" or "compose"
	Action [2]string // the two actions, as the [keys] table names them
}

// screenActions lists, for each screen, the actions its keys reach. An
// action of the [keys] table that no screen lists is a bug a test catches.
func screenActions() []struct {
	screen  string
	actions []string
} {
	global := []string{"interrupt", "help"}
	// The reader's actions of both the index and the pager (readerKey).
	reading := []string{"flag", "toggle_new", "save", "pipe", "next_new", "compose", "reply", "reply_all", "forward"}
	return []struct {
		screen  string
		actions []string
	}{
		{"index", slices.Concat([]string{"up", "down", "top", "bottom", "page_up", "page_down", "open", "delete", "undelete",
			"sync", "search", "sort", "threads", "accounts", "quit", "exit",
			"limit", "tag", "tag_pattern", "tag_prefix", "unified", "folders", "reverse"}, reading, global)},
		{"pager", slices.Concat([]string{"up", "down", "top", "bottom", "page_up", "page_down", "back", "next_message",
			"prev_message", "delete", "undelete", "headers", "attachments", "find", "find_next", "open_link"}, reading, global)},
		{"attachments", slices.Concat([]string{"up", "down", "top", "bottom", "open", "save", "back"}, global)},
		{"accounts", slices.Concat([]string{"up", "down", "open", "back", "accounts"}, global)},
		{"folders", slices.Concat([]string{"up", "down", "top", "bottom", "open", "back", "folders"}, global)},
		{"output", slices.Concat([]string{"back"}, global)},
		{"compose", slices.Concat([]string{"up", "down", "send", "edit_message", "attach", "detach", "edit_to", "edit_cc", "postpone", "back"}, global)},
	}
}

// KeyConflicts returns, in a stable order, every key that two actions of
// one screen share once the config's [keys] overrides (action -> keys)
// are applied to the default bindings. Unknown actions are ignored here
// (config.CheckKeyActions reports them).
func KeyConflicts(overrides map[string][]string) []KeyConflict {
	km := DefaultKeyMap()
	acts := km.actions()
	keysOf := func(action string) []string {
		if list, ok := overrides[action]; ok {
			return list
		}
		if b, ok := acts[action]; ok {
			return b.Keys()
		}
		return nil
	}
	var out []KeyConflict
	for _, s := range screenActions() {
		owner := map[string]string{}
		for _, action := range s.actions {
			for _, k := range keysOf(action) {
				first, taken := owner[k]
				switch {
				case !taken:
					owner[k] = action
				case first != action:
					c := KeyConflict{Key: k, Screen: s.screen, Action: [2]string{first, action}}
					if !slices.Contains(out, c) {
						out = append(out, c)
					}
				}
			}
		}
	}
	return out
}

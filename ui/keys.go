package ui

import (
	"fmt"
	"sort"
	"strings"

	"charm.land/bubbles/v2/help"
	"charm.land/bubbles/v2/key"
)

// KeyMap is every binding of the reader. The same bindings handle the keys
// and generate the help, so the two never disagree. The config's [keys]
// table overrides them by action name (see Actions).
type KeyMap struct {
	Up, Down         key.Binding
	Top, Bottom      key.Binding
	PageUp, PageDown key.Binding
	Open             key.Binding
	Delete, Undelete key.Binding
	Sync             key.Binding
	Search           key.Binding
	Sort             key.Binding
	Threads          key.Binding
	Accounts         key.Binding
	Help             key.Binding
	Quit             key.Binding // index: commit deletions, then exit
	Exit             key.Binding // index: exit without committing
	Back             key.Binding // pager, attachments: back to the previous screen
	NextMessage      key.Binding
	PrevMessage      key.Binding
	Headers          key.Binding
	Attachments      key.Binding
	Find, FindNext   key.Binding
	Save             key.Binding
	Interrupt        key.Binding // cancel a sync; twice: exit

	// Reader depth (see ui/flags.go, limit.go, tags.go, saving.go).
	Flag       key.Binding // flag/unflag (local, never sent)
	ToggleNew  key.Binding // new/read (local, never sent)
	Limit      key.Binding // limit the index to a pattern
	NextNew    key.Binding // jump to the next new message
	Reverse    key.Binding // reverse the sort order
	Tag        key.Binding // tag/untag
	TagPattern key.Binding // tag every message matching a pattern
	TagPrefix  key.Binding // apply the next action to the tagged messages
	Pipe       key.Binding // pipe the raw message to a command
	OpenLink   key.Binding // pager: open a numbered link
	Folders    key.Binding // the folder switcher: Inbox and local folders
	Unified    key.Binding // every account in one list

	// Writing (see ui/compose.go): index and pager, then the compose screen.
	Compose     key.Binding // write a new message
	Reply       key.Binding // reply to the sender
	ReplyAll    key.Binding // reply to everyone
	Forward     key.Binding // forward the message
	Send        key.Binding // compose screen: queue and send
	EditMessage key.Binding // compose screen: the editor again
	Attach      key.Binding // compose screen: attach a file
	Detach      key.Binding // compose screen: remove the selected attachment
	EditTo      key.Binding // compose screen: edit To
	EditCc      key.Binding // compose screen: edit Cc
	Postpone    key.Binding // compose screen: keep in Drafts
}

// binding builds one binding whose help shows its keys.
func binding(desc string, keys ...string) key.Binding {
	return key.NewBinding(key.WithKeys(keys...), key.WithHelp(helpKeys(keys), desc))
}

// helpKeys renders a key list for the help ("j/↓").
func helpKeys(keys []string) string {
	names := make([]string, len(keys))
	for i, k := range keys {
		switch k {
		case "up":
			k = "↑"
		case "down":
			k = "↓"
		}
		names[i] = k
	}
	return strings.Join(names, "/")
}

// DefaultKeyMap returns the mutt-like bindings, with vim and arrow keys.
func DefaultKeyMap() KeyMap {
	return KeyMap{
		Up:          binding("up", "k", "up"),
		Down:        binding("down", "j", "down"),
		Top:         binding("first", "g", "home"),
		Bottom:      binding("last", "G", "end"),
		PageUp:      binding("page up", "-", "pgup"),
		PageDown:    binding("page down", "space", "pgdown"),
		Open:        binding("open", "enter"),
		Delete:      binding("mark for deletion", "d"),
		Undelete:    binding("undelete", "u"),
		Sync:        binding("sync now (commits marks)", "$"),
		Search:      binding("search", "/"),
		Sort:        binding("sort order", "o"),
		Threads:     binding("threads", "t"),
		Accounts:    binding("accounts", "a"),
		Help:        binding("help", "?"),
		Quit:        binding("quit (commit deletions)", "q"),
		Exit:        binding("exit, keep marks", "x"),
		Back:        binding("back", "q", "esc"),
		NextMessage: binding("next message", "J"),
		PrevMessage: binding("previous message", "K"),
		Headers:     binding("all headers", "h"),
		Attachments: binding("attachments", "v"),
		Find:        binding("find", "/"),
		FindNext:    binding("next match", "n"),
		Save:        binding("save", "s"),
		Interrupt:   binding("cancel sync", "ctrl+c"),
		Flag:        binding("flag/unflag", "F"),
		ToggleNew:   binding("toggle new/read", "N"),
		Limit:       binding("limit to a pattern", "l"),
		NextNew:     binding("next new message", "tab"),
		Reverse:     binding("reverse order", "O"),
		Tag:         binding("tag/untag", "T"),
		TagPattern:  binding("tag by pattern", "ctrl+t"),
		TagPrefix:   binding("next action on tagged", ";"),
		Pipe:        binding("pipe to a command", "|"),
		OpenLink:    binding("open link N", "o"),
		Folders:     binding("folders", "c"),
		Unified:     binding("all accounts in one list", "U"),
		Compose:     binding("new message", "m"),
		Reply:       binding("reply", "r"),
		ReplyAll:    binding("reply to all", "R"),
		Forward:     binding("forward", "f"),
		Send:        binding("send", "y"),
		EditMessage: binding("edit the message", "e"),
		Attach:      binding("attach a file", "a"),
		Detach:      binding("remove the attachment", "D"),
		EditTo:      binding("edit To", "t"),
		EditCc:      binding("edit Cc", "c"),
		Postpone:    binding("postpone to Drafts", "p"),
	}
}

// actions maps the action names of the config's [keys] table to bindings.
func (k *KeyMap) actions() map[string]*key.Binding {
	return map[string]*key.Binding{
		"up": &k.Up, "down": &k.Down, "top": &k.Top, "bottom": &k.Bottom,
		"page_up": &k.PageUp, "page_down": &k.PageDown, "open": &k.Open,
		"delete": &k.Delete, "undelete": &k.Undelete, "sync": &k.Sync,
		"search": &k.Search, "sort": &k.Sort, "threads": &k.Threads,
		"accounts": &k.Accounts, "help": &k.Help, "quit": &k.Quit,
		"exit": &k.Exit, "back": &k.Back, "next_message": &k.NextMessage,
		"prev_message": &k.PrevMessage, "headers": &k.Headers,
		"attachments": &k.Attachments, "find": &k.Find, "find_next": &k.FindNext,
		"save": &k.Save, "interrupt": &k.Interrupt,
		"flag": &k.Flag, "toggle_new": &k.ToggleNew, "limit": &k.Limit,
		"next_new": &k.NextNew, "reverse": &k.Reverse, "tag": &k.Tag,
		"tag_pattern": &k.TagPattern, "tag_prefix": &k.TagPrefix,
		"pipe": &k.Pipe, "open_link": &k.OpenLink, "folders": &k.Folders,
		"unified": &k.Unified, "compose": &k.Compose, "reply": &k.Reply,
		"reply_all": &k.ReplyAll, "forward": &k.Forward, "send": &k.Send,
		"edit_message": &k.EditMessage, "attach": &k.Attach, "detach": &k.Detach,
		"edit_to": &k.EditTo, "edit_cc": &k.EditCc, "postpone": &k.Postpone,
	}
}

// Actions lists the action names the config's [keys] table accepts, sorted:
// up, down, top, bottom, page_up, page_down, open, delete, undelete, sync,
// search, sort, threads, accounts, help, quit, exit, back, next_message,
// prev_message, headers, attachments, find, find_next, save, interrupt,
// flag, toggle_new, limit, next_new, reverse, tag, tag_pattern, tag_prefix,
// pipe, open_link, folders, unified, compose, reply, reply_all, forward,
// send, edit_message, attach, detach, edit_to, edit_cc, postpone.
// Keys are written as Bubble Tea names them: "j", "J", "ctrl+d", "enter",
// "esc", "space", "pgdown", "up", "f1".
func Actions() []string {
	var k KeyMap
	names := make([]string, 0, 32)
	for name := range k.actions() {
		names = append(names, name)
	}
	sort.Strings(names)
	return names
}

// Override replaces the keys of the named actions. An unknown action or an
// empty key list is an error naming it; the map is left unchanged then.
func (k *KeyMap) Override(keys map[string][]string) error {
	acts := k.actions()
	for name, list := range keys {
		if _, ok := acts[name]; !ok {
			return fmt.Errorf("keys: unknown action %q (known: %s)", name, strings.Join(Actions(), ", "))
		}
		if len(list) == 0 {
			return fmt.Errorf("keys: action %q has no keys", name)
		}
	}
	for name, list := range keys {
		b := acts[name]
		b.SetKeys(list...)
		b.SetHelp(helpKeys(list), b.Help().Desc)
	}
	return nil
}

// hint is an entry of a hint bar: the first key of each binding (so "J/K"
// stands for two) and a short description; the help screen has the rest.
func hint(desc string, bs ...key.Binding) key.Binding {
	var keys []string
	enabled := false
	for _, b := range bs {
		if ks := b.Keys(); len(ks) > 0 {
			keys = append(keys, ks[0])
		}
		enabled = enabled || b.Enabled()
	}
	h := key.NewBinding(key.WithKeys(keys...), key.WithHelp(helpKeys(keys), desc))
	h.SetEnabled(enabled)
	return h
}

// ShortHelp is the index's one-line hint bar, short enough for 80 columns.
func (k KeyMap) ShortHelp() []key.Binding {
	return []key.Binding{hint("open", k.Open), hint("delete", k.Delete), hint("search", k.Search),
		hint("sync", k.Sync), hint("quit", k.Quit), hint("exit", k.Exit), hint("help", k.Help)}
}

// FullHelp is every binding of the index, in columns.
func (k KeyMap) FullHelp() [][]key.Binding {
	return [][]key.Binding{
		{k.Up, k.Down, k.Top, k.Bottom, k.PageUp, k.PageDown},
		{k.Open, k.Delete, k.Undelete, k.Flag, k.ToggleNew, k.Sync, k.Search, k.Limit},
		{k.NextNew, k.Sort, k.Reverse, k.Threads, k.Tag, k.TagPattern, k.TagPrefix},
		{k.Save, k.Pipe, k.Folders, k.Accounts, k.Unified, k.Help, k.Quit, k.Exit},
		{k.Compose, k.Reply, k.ReplyAll, k.Forward},
	}
}

// keyHelp is the help of one screen.
type keyHelp struct {
	short []key.Binding
	full  [][]key.Binding
}

// ShortHelp is the screen's hint bar.
func (s keyHelp) ShortHelp() []key.Binding { return s.short }

// FullHelp is every binding of the screen, in columns.
func (s keyHelp) FullHelp() [][]key.Binding { return s.full }

// PagerHelp is the pager's help.
func (k KeyMap) PagerHelp() help.KeyMap {
	return keyHelp{
		short: []key.Binding{hint("back", k.Back), hint("page", k.PageDown), hint("next/prev", k.NextMessage, k.PrevMessage),
			hint("delete", k.Delete), hint("attachments", k.Attachments), hint("find", k.Find), hint("help", k.Help)},
		full: [][]key.Binding{
			{k.Up, k.Down, k.PageUp, k.PageDown, k.Top, k.Bottom},
			{k.NextMessage, k.PrevMessage, k.Delete, k.Undelete, k.Flag, k.ToggleNew},
			{k.Headers, k.Attachments, k.Find, k.FindNext, k.OpenLink, k.Save, k.Pipe, k.Help, k.Back},
			{k.Compose, k.Reply, k.ReplyAll, k.Forward},
		},
	}
}

// AttachmentsHelp is the attachment list's help.
func (k KeyMap) AttachmentsHelp() help.KeyMap {
	return keyHelp{
		short: []key.Binding{hint("open", k.Open), hint("save", k.Save), hint("back", k.Back), hint("help", k.Help)},
		full:  [][]key.Binding{{k.Up, k.Down}, {k.Open, k.Save, k.Help, k.Back}},
	}
}

// ComposeHelp is the compose screen's help.
func (k KeyMap) ComposeHelp() help.KeyMap {
	return keyHelp{
		short: []key.Binding{hint("send", k.Send), hint("edit", k.EditMessage), hint("attach", k.Attach),
			hint("to/cc", k.EditTo, k.EditCc), hint("postpone", k.Postpone), hint("cancel", k.Back), hint("help", k.Help)},
		full: [][]key.Binding{{k.Send, k.EditMessage, k.EditTo, k.EditCc}, {k.Attach, k.Up, k.Down, k.Detach, k.Postpone, k.Back, k.Help}},
	}
}

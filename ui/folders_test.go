package ui

import (
	"slices"
	"strings"
	"testing"
)

// c lists the Inbox and the local folders; Enter shows a folder read-only
// (no sync, no marks); the Inbox comes back through the account opener.
func TestFolderSwitcher(t *testing.T) {
	inboxEng, folderEng := newFake(), newFake()
	folderEng.rows = folderEng.rows[5:] // three messages
	var opened []string
	var asked []string
	h := newHarness(t, inboxEng, func(o *Options) {
		o.Accounts = []string{"work"}
		o.OpenAccount = func(name string) (Account, error) {
			opened = append(opened, name)
			return Account{Name: name, Engine: newFake()}, nil
		}
		o.OpenFolder = func(cur Engine, name string) (Engine, error) {
			asked = append(asked, name)
			return folderEng, nil
		}
	})
	h.keys("c")
	s := h.screen()
	if h.m.screen != screenFolders || !strings.Contains(s, "* Inbox") || !strings.Contains(s, "  Receipts") || !strings.Contains(s, "  Work") ||
		!strings.Contains(s, "  Sent ") || !strings.Contains(s, "  Drafts") || !strings.Contains(s, "  Outbox") {
		t.Fatalf("switcher:\n%s", s)
	}
	h.keys("j", "j", "j", "j", "enter") // past Sent, Drafts and Outbox
	if !slices.Equal(asked, []string{"Receipts"}) || h.m.acct.Name != "work/Receipts" || !h.m.acct.ReadOnly || h.m.folder != "Receipts" {
		t.Fatalf("opened %v, account %q read-only %v folder %q", asked, h.m.acct.Name, h.m.acct.ReadOnly, h.m.folder)
	}
	if h.m.index.Len() != 3 || !strings.Contains(h.screen(), "work/Receipts (read-only)") {
		t.Errorf("folder index:\n%s", h.screen())
	}
	if !inboxEng.closed {
		t.Error("the account's engine was not closed")
	}
	h.keys("d", "F")
	if len(folderEng.marked()) != 0 || folderEng.row(3).Flagged {
		t.Error("marks changed in a read-only folder")
	}
	h.keys("$")
	if len(folderEng.syncFlags()) != 0 {
		t.Error("a folder synced")
	}
	if text, isErr := h.m.status.Message(); !isErr || !strings.Contains(text, "Folder Receipts is read-only here") {
		t.Errorf("$ in a folder: %q", text)
	}
	h.keys("c")
	if !strings.Contains(h.screen(), "* Receipts") {
		t.Errorf("the current folder is not marked:\n%s", h.screen())
	}
	h.keys("g", "enter")
	if !slices.Equal(opened, []string{"work"}) || h.m.acct.Name != "work" || h.m.folder != "" || h.m.acct.ReadOnly {
		t.Fatalf("back to the Inbox: opened %v, account %q folder %q", opened, h.m.acct.Name, h.m.folder)
	}
}

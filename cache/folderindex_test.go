package cache

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const folderMsg = "From: Alice <alice@example.org>\r\nTo: Bob <bob@example.net>\r\nSubject: quarterly figures\r\n" +
	"Date: Mon, 02 Dec 2024 10:00:00 +0000\r\nMessage-ID: <q1@example.org>\r\n\r\nThe zebracorn report is attached in spirit.\r\n"

// folderIDs lists a folder (searching for words) and returns the subjects.
func folderSubjects(t *testing.T, s *Store, folder, words string) []string {
	t.Helper()
	ms, err := s.ListFolder(context.Background(), folder, Query{Search: words})
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, m := range ms {
		out = append(out, m.Subject)
	}
	return out
}

func TestFolderIndexFollowsOutboxAndSent(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	addTest(t, s, simple(1, "inbox zebracorn news"))
	e, err := s.Enqueue([]byte(folderMsg), "alice@example.org", []string{"bob@example.net"}, "quarterly figures")
	if err != nil {
		t.Fatal(err)
	}
	if got := folderSubjects(t, s, "Outbox", ""); len(got) != 1 || got[0] != "quarterly figures" {
		t.Fatalf("Outbox = %q, want the queued message", got)
	}
	// The body is searched with the inbox's code: a word of the body, a
	// prefix of one, an address and a short word.
	for _, words := range []string{"zebracorn", "zebra", "bob@example", "in spirit"} {
		if got := folderSubjects(t, s, "Outbox", words); len(got) != 1 {
			t.Errorf("search Outbox for %q = %q, want the message", words, got)
		}
	}
	if got := folderSubjects(t, s, "Outbox", "nowhere"); len(got) != 0 {
		t.Errorf("search Outbox for nowhere = %q", got)
	}
	if _, err := s.MoveToSent(e.ID); err != nil {
		t.Fatal(err)
	}
	if got := folderSubjects(t, s, "Outbox", ""); len(got) != 0 {
		t.Errorf("Outbox after the move = %q, want nothing", got)
	}
	if got := folderSubjects(t, s, "Sent", "zebracorn"); len(got) != 1 {
		t.Errorf("Sent searched after the move = %q, want the message", got)
	}
	ms, _ := s.ListFolder(ctx, "Sent", Query{})
	if len(ms) != 1 || !ms[0].Seen || ms[0].From != "Alice <alice@example.org>" {
		t.Fatalf("Sent row = %+v", ms)
	}
	if _, p, err := s.FolderFile(ctx, "Sent", ms[0].ID); err != nil || !strings.Contains(p, ".Sent") {
		t.Errorf("FolderFile = %q, %v", p, err)
	}

	// The inbox's queries never return folder rows.
	inbox, err := s.List(ctx, Query{Search: "zebracorn"})
	if err != nil || len(inbox) != 1 || inbox[0].Subject != "inbox zebracorn news" {
		t.Errorf("inbox search = %+v, %v; want only the inbox message", inbox, err)
	}
	if all, _ := s.List(ctx, Query{}); len(all) != 1 {
		t.Errorf("inbox list has %d rows, want 1", len(all))
	}
	if n, _ := s.Count(ctx, Query{Search: "quarterly"}); n != 0 {
		t.Errorf("inbox count of a Sent subject = %d", n)
	}
	if rows, _ := s.SyncRows(ctx); len(rows) != 1 {
		t.Errorf("sync rows = %d, want 1", len(rows))
	}

	id, err := s.SaveDraft([]byte(folderMsg))
	if err != nil {
		t.Fatal(err)
	}
	if got := folderSubjects(t, s, "Drafts", "quarterly"); len(got) != 1 {
		t.Errorf("Drafts = %q after SaveDraft", got)
	}
	if err := s.RemoveFromFolder(Drafts, id); err != nil {
		t.Fatal(err)
	}
	if got := folderSubjects(t, s, "Drafts", ""); len(got) != 0 {
		t.Errorf("Drafts = %q after RemoveFromFolder", got)
	}
	e2, _ := s.Enqueue([]byte(folderMsg), "a@x", []string{"b@y"}, "x")
	if err := s.DropOutbox(e2.ID); err != nil {
		t.Fatal(err)
	}
	if got := folderSubjects(t, s, "Outbox", "zebracorn"); len(got) != 0 {
		t.Errorf("Outbox = %q after DropOutbox", got)
	}
}

// A kill between MoveToSent's rename and its index update, and another
// tool's changes, are repaired by IndexFolder.
func TestIndexFolderRepairs(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	e, err := s.Enqueue([]byte(folderMsg), "alice@example.org", []string{"bob@example.net"}, "q")
	if err != nil {
		t.Fatal(err)
	}
	src, err := s.folderFile(Outbox, e.ID)
	if err != nil {
		t.Fatal(err)
	}
	if err := s.makeFolder(Sent); err != nil {
		t.Fatal(err)
	}
	// The rename alone, as a kill right after it leaves things.
	dst := filepath.Join(s.folderPath(Sent, "cur"), e.ID+infoSep+"2,S")
	if err := os.Rename(src, dst); err != nil {
		t.Fatal(err)
	}
	if got := folderSubjects(t, s, "Outbox", ""); len(got) != 1 {
		t.Fatalf("before repair the Outbox index has %q", got)
	}
	if rep, err := s.IndexFolder(ctx, "Outbox"); err != nil || rep.Removed != 1 {
		t.Errorf("IndexFolder(Outbox) = %+v, %v; want 1 removed", rep, err)
	}
	if rep, err := s.IndexFolder(ctx, "Sent"); err != nil || rep.Added != 1 {
		t.Errorf("IndexFolder(Sent) = %+v, %v; want 1 added", rep, err)
	}
	if got := folderSubjects(t, s, "Sent", "zebracorn"); len(got) != 1 {
		t.Errorf("Sent after repair = %q", got)
	}
	// Another tool flags it and drops a message into new/.
	if err := os.Rename(dst, dst+"F"); err != nil {
		t.Fatal(err)
	}
	other := filepath.Join(s.folderPath(Sent, "new"), "1700000000.M1P1.elsewhere")
	if err := os.WriteFile(other, []byte("Subject: from mutt\n\nhello\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if rep, err := s.IndexFolder(ctx, "Sent"); err != nil || rep.Added != 1 || rep.Updated != 1 {
		t.Errorf("IndexFolder(Sent) = %+v, %v; want 1 added, 1 updated", rep, err)
	}
	if rep, err := s.IndexFolder(ctx, "Sent"); err != nil || rep.Changed() {
		t.Errorf("a second IndexFolder = %+v, %v; want no change", rep, err)
	}
	ms, _ := s.ListFolder(ctx, "Sent", Query{Search: "zebracorn"})
	if len(ms) != 1 || !ms[0].Flagged || !ms[0].Seen {
		t.Errorf("flags after the other tool = %+v", ms)
	}
	if total, unseen, _, err := s.CountFolder(ctx, "Sent", Query{}); err != nil || total != 2 || unseen != 1 {
		t.Errorf("CountFolder = %d, %d, %v; want 2, 1", total, unseen, err)
	}
	if _, _, err := s.FolderFile(ctx, "Sent", ms[0].ID); err != nil {
		t.Errorf("FolderFile after the flag change: %v", err)
	}
	if _, err := s.IndexFolder(ctx, "../x"); err == nil {
		t.Error("IndexFolder accepted a bad name")
	}
}

// A store written by the schema before the folder tables (version 2), with
// inbox messages and an unindexed Sent folder, is migrated on open and its
// folder indexed, its inbox untouched.
func TestFolderIndexMigration(t *testing.T) {
	ctx := context.Background()
	dir := filepath.Join(t.TempDir(), "acct")
	s, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	addTest(t, s, simple(1, "kept across the upgrade"))
	s.Close()
	execIndex(t, dir, nil, `DROP TABLE folder_messages`, `DROP TABLE folder_search`,
		`DROP TABLE folder_search_words`, `DELETE FROM schema_version WHERE version = 3`,
		`DELETE FROM meta WHERE key = '`+metaFoldersIndexed+`'`)
	sent := filepath.Join(dir, "Maildir", ".Sent", "cur")
	if err := os.MkdirAll(sent, 0o700); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(sent, "1.0123456789abcdef.host"+infoSep+"2,S"), []byte(folderMsg), 0o600); err != nil {
		t.Fatal(err)
	}

	if s, err = Open(dir, Options{}); err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if v, err := schemaVersion(ctx, s.db); err != nil || v != len(migrations()) {
		t.Fatalf("schema version %d, %v", v, err)
	}
	// The first writer's open indexed the folder written before the tables.
	if rep, err := s.FolderStatus(ctx, "Sent"); err != nil || rep.Changed() {
		t.Fatalf("FolderStatus = %+v, %v; want the folder indexed by Open", rep, err)
	}
	if got := folderSubjects(t, s, "Sent", "zebracorn"); len(got) != 1 {
		t.Errorf("Sent search after the upgrade = %q", got)
	}
	if all, _ := s.List(ctx, Query{}); len(all) != 1 || all[0].Subject != "kept across the upgrade" {
		t.Errorf("inbox after the upgrade = %+v", all)
	}
}

// moveBehindIndex moves an outbox message to Sent as MoveToSent's rename
// does, without its index update (a kill between the two).
func moveBehindIndex(t *testing.T, s *Store) {
	t.Helper()
	e, err := s.Enqueue([]byte(folderMsg), "alice@example.org", []string{"bob@example.net"}, "q")
	if err != nil {
		t.Fatal(err)
	}
	src, err := s.folderFile(Outbox, e.ID)
	if err == nil {
		err = s.makeFolder(Sent)
	}
	if err == nil {
		err = os.Rename(src, filepath.Join(s.folderPath(Sent, "cur"), e.ID+infoSep+"2,S"))
	}
	if err != nil {
		t.Fatal(err)
	}
}

// popterm check reports folders whose rows are behind their files and
// repairs them; Open repairs them after an unclean exit.
func TestCheckCoversFolders(t *testing.T) {
	ctx := context.Background()
	s := openTest(t)
	moveBehindIndex(t, s)
	rep, err := s.Check(ctx, false)
	if err != nil {
		t.Fatal(err)
	}
	if got := strings.Join(rep.Problems, "\n"); !strings.Contains(got, "folder Outbox") || !strings.Contains(got, "folder Sent") {
		t.Fatalf("check found %q, want both folders", got)
	}
	if rep, err = s.Check(ctx, true); err != nil || len(rep.Unrepaired) != 0 {
		t.Fatalf("repair: %+v, %v", rep, err)
	}
	if rep, err = s.Check(ctx, false); err != nil || !rep.OK() {
		t.Errorf("after repair: %+v, %v", rep, err)
	}
	if got := folderSubjects(t, s, "Sent", "zebracorn"); len(got) != 1 {
		t.Errorf("Sent after repair: %q", got)
	}
	// A folder removed as a whole: its rows go.
	if _, err := s.SaveDraft([]byte(folderMsg)); err != nil {
		t.Fatal(err)
	}
	if err := os.RemoveAll(filepath.Join(s.Dir(), "Maildir", ".Drafts")); err != nil {
		t.Fatal(err)
	}
	if rep, err = s.Check(ctx, true); err != nil || !strings.Contains(strings.Join(rep.Repaired, "\n"), "folder Drafts") {
		t.Errorf("check after removing Drafts: %+v, %v", rep, err)
	}
	if got := folderSubjects(t, s, "Drafts", ""); len(got) != 0 {
		t.Errorf("Drafts rows after its folder went: %q", got)
	}

	// An unclean exit: the next writer's Open repairs the folders.
	dir := s.Dir()
	moveBehindIndex(t, s)
	s.Close()
	execIndex(t, dir, nil, `INSERT OR REPLACE INTO meta (key, value) VALUES ('`+metaOpen+`', '1')`)
	s2, err := Open(dir, Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	if got := strings.Join(s2.Recovered(), "\n"); !strings.Contains(got, "folder Sent") {
		t.Errorf("recovered %q, want the Sent folder indexed", got)
	}
	if got := folderSubjects(t, s2, "Sent", ""); len(got) != 2 {
		t.Errorf("Sent after recovery: %q, want 2", got)
	}
	if got := folderSubjects(t, s2, "Outbox", ""); len(got) != 0 {
		t.Errorf("Outbox after recovery: %q, want none", got)
	}
}

// BenchmarkFolderList compares listing a 2,000-message folder from its
// index with reading and parsing its files (what listing did before), and
// measures a body search and the IndexFolder of an unchanged folder.
func BenchmarkFolderList(b *testing.B) {
	ctx := context.Background()
	s := openTest(b)
	if err := s.makeFolder(Sent); err != nil {
		b.Fatal(err)
	}
	for i := range 2000 {
		msg := strings.Replace(folderMsg, "quarterly figures", "figures "+itoa(i), 1)
		msg = strings.Replace(msg, "zebracorn", "word"+itoa(i), 1)
		p := filepath.Join(s.folderPath(Sent, "cur"), "1700000000."+itoa(i)+".bench"+infoSep+"2,S")
		if err := os.WriteFile(p, []byte(msg), 0o600); err != nil {
			b.Fatal(err)
		}
	}
	if rep, err := s.IndexFolder(ctx, "Sent"); err != nil || rep.Added != 2000 {
		b.Fatalf("IndexFolder = %+v, %v", rep, err)
	}
	b.Run("index", func(b *testing.B) {
		for b.Loop() {
			if ms, err := s.ListFolder(ctx, "Sent", Query{}); err != nil || len(ms) != 2000 {
				b.Fatal(len(ms), err)
			}
		}
	})
	b.Run("files", func(b *testing.B) {
		for b.Loop() {
			if ms, err := ReadFolder(filepath.Dir(s.folderPath(Sent, "cur"))); err != nil || len(ms) != 2000 {
				b.Fatal(len(ms), err)
			}
		}
	})
	b.Run("search-body", func(b *testing.B) {
		for b.Loop() {
			if ms, err := s.ListFolder(ctx, "Sent", Query{Search: "word1234"}); err != nil || len(ms) != 1 {
				b.Fatal(len(ms), err)
			}
		}
	})
	b.Run("reindex-unchanged", func(b *testing.B) {
		for b.Loop() {
			if rep, err := s.IndexFolder(ctx, "Sent"); err != nil || rep.Changed() {
				b.Fatal(rep, err)
			}
		}
	})
}

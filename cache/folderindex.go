package cache

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/popterm/popterm/mailapi"
)

// The local folders are indexed like the inbox, in their own tables
// (folder_messages, folder_search, folder_search_words; see schemaV3): the
// summary columns of each file's header, its Maildir flags, and its text in
// the search tables. Every change popterm makes to a folder (Enqueue,
// MoveToSent, SaveDraft, DropOutbox, RemoveFromFolder) updates the rows in
// the same call, after the file change is durable; IndexFolder brings a
// folder's rows back in line with its files (after a crash between the two,
// or another Maildir tool's changes), as the inbox adopts its files.

// FolderIndexReport says what IndexFolder changed.
type FolderIndexReport struct {
	Added   int // files that had no row
	Removed int // rows whose file is gone
	Updated int // rows whose file changed its flags or moved to cur/
}

// Changed reports whether the index was out of line with the files.
func (r FolderIndexReport) Changed() bool { return r.Added+r.Removed+r.Updated > 0 }

// folderDiff is how a folder's rows differ from its files.
type folderDiff struct {
	folder string
	add    []string // "cur/<file name>" of files without a row
	drop   []int64  // rows without a file
	rename []folderRow
}

// folderRow is a row of folder_messages: its file's unique name and its
// name relative to the folder ("cur/<unique>:2,S").
type folderRow struct {
	id           int64
	unique, name string
}

// folderDir is the directory of a folder name (checked by the caller).
func (s *Store) folderDir(folder string) string { return s.path(maildirName, "."+folder) }

// folderFiles lists a folder's message files by unique name, as names
// relative to the folder; a folder that does not exist has none.
func (s *Store) folderFiles(folder string) (map[string]string, error) {
	files := map[string]string{}
	for _, sub := range []string{"new", "cur"} { // cur/ wins over new/
		entries, err := os.ReadDir(filepath.Join(s.folderDir(folder), sub))
		if errors.Is(err, os.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("read folder %s: %w", folder, err)
		}
		for _, e := range entries {
			if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") {
				continue
			}
			unique, _ := parseFileName(e.Name())
			files[unique] = sub + "/" + e.Name()
		}
	}
	return files, nil
}

// diffFolder compares a folder's rows with its files; only, when not nil,
// limits it to those unique names.
func (s *Store) diffFolder(ctx context.Context, folder string, only []string) (folderDiff, error) {
	d := folderDiff{folder: folder}
	files, err := s.folderFiles(folder)
	if err != nil {
		return d, err
	}
	query, args := `SELECT id, file, name FROM folder_messages WHERE folder = ?`, []any{folder}
	if only != nil {
		query += ` AND file IN (SELECT value FROM json_each(?))`
		args = append(args, jsonStrings(only))
	}
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return d, fmt.Errorf("read the index of folder %s: %w", folder, err)
	}
	defer rows.Close()
	seen := map[string]bool{}
	for rows.Next() {
		var r folderRow
		if err := rows.Scan(&r.id, &r.unique, &r.name); err != nil {
			return d, fmt.Errorf("read the index of folder %s: %w", folder, err)
		}
		seen[r.unique] = true
		switch name, ok := files[r.unique]; {
		case !ok:
			d.drop = append(d.drop, r.id)
		case name != r.name:
			r.name = name
			d.rename = append(d.rename, r)
		}
	}
	if err := rows.Err(); err != nil {
		return d, fmt.Errorf("read the index of folder %s: %w", folder, err)
	}
	want := only
	if want == nil {
		want = make([]string, 0, len(files))
		for u := range files {
			want = append(want, u)
		}
	}
	for _, u := range want {
		if name, ok := files[u]; ok && !seen[u] {
			d.add = append(d.add, name)
		}
	}
	slices.Sort(d.add)
	return d, nil
}

// jsonStrings encodes strings as a JSON array for json_each.
func jsonStrings(ss []string) string {
	b, _ := json.Marshal(ss) // strings always encode
	return string(b)
}

// folderDoc is a file to add to a folder's rows, parsed.
type folderDoc struct {
	name string
	m    Message
	text string
	cjk  string
	err  error
}

// applyFolderDiffs makes the rows of every diff match the files, in one
// transaction (so a message moved between folders never shows in both or
// neither). Files are parsed before it, on the cores there are.
func (s *Store) applyFolderDiffs(ctx context.Context, diffs ...folderDiff) error {
	docs := make([][]folderDoc, len(diffs))
	for i, d := range diffs {
		docs[i] = make([]folderDoc, len(d.add))
		forEach(len(d.add), func(j int) {
			p := filepath.Join(s.folderDir(d.folder), d.add[j])
			doc := folderDoc{name: d.add[j]}
			doc.m, doc.err = readFolderFile(p)
			if doc.err == nil {
				var attach bool
				doc.text, attach = bodyText(p)
				doc.cjk = cjkRuns(doc.text)
				doc.m.HasAttachments = doc.m.HasAttachments || attach
			}
			docs[i][j] = doc
		})
	}
	return s.inTx(ctx, func(tx *sql.Tx) error {
		for i, d := range diffs {
			for _, id := range d.drop {
				if err := dropFolderRow(ctx, tx, id); err != nil {
					return fmt.Errorf("folder %s: %w", d.folder, err)
				}
			}
			for _, r := range d.rename {
				f := nameFlags(r.name)
				if _, err := tx.ExecContext(ctx, `UPDATE folder_messages SET name = ?, seen = ?, answered = ?,
					flagged = ?, deleted = ? WHERE id = ?`, r.name, f.seen, f.answered, f.flagged, f.deleted, r.id); err != nil {
					return fmt.Errorf("folder %s: %w", d.folder, err)
				}
			}
			for _, doc := range docs[i] {
				if doc.err != nil {
					continue // unreadable: left out, as the listing always did
				}
				if err := addFolderRow(ctx, tx, d.folder, doc); err != nil {
					return fmt.Errorf("folder %s: %w", d.folder, err)
				}
			}
		}
		return nil
	})
}

// nameFlags reads the Maildir flags of a file name.
func nameFlags(name string) flags {
	_, info, _ := strings.Cut(filepath.Base(name), infoSep+"2,")
	return flags{seen: strings.Contains(info, "S"), answered: strings.Contains(info, "R"),
		flagged: strings.Contains(info, "F"), deleted: strings.Contains(info, "T")}
}

// addFolderRow inserts one parsed file and its search rows.
func addFolderRow(ctx context.Context, tx *sql.Tx, folder string, doc folderDoc) error {
	m, f := doc.m, nameFlags(doc.name)
	unique, _ := parseFileName(filepath.Base(doc.name))
	var date any
	if !m.Date.IsZero() {
		date = m.Date.Format(time.RFC3339Nano)
	}
	to, cc := strings.Join(m.To, "\n"), strings.Join(m.Cc, "\n")
	res, err := tx.ExecContext(ctx, `INSERT INTO folder_messages (folder, file, name, size, from_addr, from_name,
		to_addrs, cc_addrs, subject, date, sort_key, message_id, in_reply_to, refs, header_hash,
		seen, answered, flagged, deleted, has_attachments, first_seen, downloaded_at)
		VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`,
		folder, unique, doc.name, m.Size, m.From, m.FromName, to, cc, m.Subject, date,
		mailapi.SortKey(m.Date, m.FirstSeen), m.MessageID, m.InReplyTo, strings.Join(m.References, "\n"),
		m.HeaderHash, f.seen, f.answered, f.flagged, f.deleted, m.HasAttachments,
		m.FirstSeen.UnixMilli(), m.FirstSeen.UnixMilli())
	if err != nil {
		return fmt.Errorf("index %s: %w", printable(doc.name), err)
	}
	id, err := res.LastInsertId()
	if err != nil {
		return err
	}
	addrs := strings.Join(append(append([]string{m.From}, m.To...), m.Cc...), " ")
	if _, err := tx.ExecContext(ctx, `INSERT INTO folder_search (rowid, subject, addrs, cjk) VALUES (?,?,?,?)`,
		id, m.Subject, addrs, doc.cjk); err != nil {
		return fmt.Errorf("index %s: %w", printable(doc.name), err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO folder_search_words (rowid, body) VALUES (?,?)`, id, doc.text); err != nil {
		return fmt.Errorf("index %s: %w", printable(doc.name), err)
	}
	return nil
}

// dropFolderRow deletes a row and its search rows.
func dropFolderRow(ctx context.Context, tx *sql.Tx, id int64) error {
	for _, q := range []string{`DELETE FROM folder_search WHERE rowid = ?`,
		`DELETE FROM folder_search_words WHERE rowid = ?`, `DELETE FROM folder_messages WHERE id = ?`} {
		if _, err := tx.ExecContext(ctx, q, id); err != nil {
			return fmt.Errorf("remove row %d: %w", id, err)
		}
	}
	return nil
}

// afterChange updates the index after a durable change to these files
// (the caller holds s.mu). The change stands even when the index cannot
// follow: IndexFolder (when the folder is opened, and popterm check) repairs
// the rows, as it does after a crash between the two.
func (s *Store) afterChange(files map[Folder][]string) {
	_ = s.reindexFiles(context.Background(), files)
}

// reindexFiles brings the rows of these files of these folders in line, in
// one transaction (the caller holds s.mu). It follows every change popterm
// makes to a folder's files.
func (s *Store) reindexFiles(ctx context.Context, files map[Folder][]string) error {
	var diffs []folderDiff
	for f, uniques := range files {
		d, err := s.diffFolder(ctx, string(f), uniques)
		if err != nil {
			return err
		}
		diffs = append(diffs, d)
	}
	if err := s.applyFolderDiffs(ctx, diffs...); err != nil {
		return fmt.Errorf("update the folder index: %w", err)
	}
	return nil
}

// IndexFolder brings the index of a local folder in line with its files:
// files without a row (written by another program, or by a popterm killed
// before it indexed them) are added with their text, rows of files that are
// gone are removed, and changed flags are read again.
func (s *Store) IndexFolder(ctx context.Context, folder string) (FolderIndexReport, error) {
	if err := CheckFolderName(folder); err != nil {
		return FolderIndexReport{}, err
	}
	if err := s.writable(); err != nil {
		return FolderIndexReport{}, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.indexFolder(ctx, folder, true)
}

// indexFolder is IndexFolder (the caller holds s.mu when apply is set);
// without apply it only counts.
func (s *Store) indexFolder(ctx context.Context, folder string, apply bool) (FolderIndexReport, error) {
	d, err := s.diffFolder(ctx, folder, nil)
	if err != nil {
		return FolderIndexReport{}, err
	}
	rep := FolderIndexReport{Added: len(d.add), Removed: len(d.drop), Updated: len(d.rename)}
	if !apply || !rep.Changed() {
		return rep, nil
	}
	if err := s.applyFolderDiffs(ctx, d); err != nil {
		return rep, fmt.Errorf("index folder %s: %w", folder, err)
	}
	return rep, nil
}

// FolderStatus says what IndexFolder would change, without changing it
// (a read-only store can tell whether its folder rows are up to date).
func (s *Store) FolderStatus(ctx context.Context, folder string) (FolderIndexReport, error) {
	if err := CheckFolderName(folder); err != nil {
		return FolderIndexReport{}, err
	}
	return s.indexFolder(ctx, folder, false)
}

// ListFolder returns a folder's indexed messages newest first, searched as
// List searches the inbox (q.Search: every word, in subject, addresses or
// text). IDs are the folder rows', stable while the file stays.
func (s *Store) ListFolder(ctx context.Context, folder string, q Query) ([]Message, error) {
	query, args := tableQuery(folderTables, messageCols, q, `m.folder = ?`, folder)
	ms, _, err := s.queryMessages(ctx, query, args...)
	if err != nil || q.Limit > 0 {
		return ms, err
	}
	slices.SortFunc(ms, func(a, b Message) int { return a.CompareNewest(&b) })
	return ms[min(max(q.Offset, 0), len(ms)):], nil
}

// CountFolder returns how many messages ListFolder would return for q's
// search, with how many of them are not seen and marked deleted.
func (s *Store) CountFolder(ctx context.Context, folder string, q Query) (total, unseen, deleted int, err error) {
	query, args := tableQuery(folderTables, `count(*), coalesce(sum(m.seen = 0), 0), coalesce(sum(m.deleted), 0)`,
		Query{Search: q.Search}, `m.folder = ?`, folder)
	if err := s.db.QueryRowContext(ctx, query, args...).Scan(&total, &unseen, &deleted); err != nil {
		return 0, 0, 0, fmt.Errorf("count folder %s: %w", folder, err)
	}
	return total, unseen, deleted, nil
}

// FolderFile returns the row and the file of message id of a folder; when
// the file changed its name since it was indexed (another tool set a flag),
// the folder is searched for it.
func (s *Store) FolderFile(ctx context.Context, folder string, id int64) (Message, string, error) {
	ms, _, err := s.queryMessages(ctx, `SELECT `+messageCols+` FROM folder_messages m WHERE m.folder = ? AND m.id = ?`, folder, id)
	if err != nil {
		return Message{}, "", err
	}
	if len(ms) == 0 {
		return Message{}, "", fmt.Errorf("message %d of folder %s: %w", id, folder, ErrNotFound)
	}
	var unique, name string
	if err := s.db.QueryRowContext(ctx, `SELECT file, name FROM folder_messages WHERE id = ?`, id).Scan(&unique, &name); err != nil {
		return Message{}, "", fmt.Errorf("read message %d of folder %s: %w", id, folder, err)
	}
	p := filepath.Join(s.folderDir(folder), name)
	if _, err := os.Lstat(p); err == nil {
		return ms[0], p, nil
	}
	files, err := s.folderFiles(folder)
	if err != nil {
		return Message{}, "", err
	}
	if name, ok := files[unique]; ok {
		return ms[0], filepath.Join(s.folderDir(folder), name), nil
	}
	return Message{}, "", fmt.Errorf("message %d of folder %s: its file is gone (open the folder again): %w", id, folder, ErrNotFound)
}

// folders checks the local folders' rows against their files (see
// IndexFolder) and, repairing, brings them in line; the rows of a folder
// removed as a whole go too.
func (c *checker) folders() error {
	names, err := c.s.Folders()
	if err != nil {
		return err
	}
	// Folders removed as a whole leave rows to drop.
	rows, err := c.s.db.QueryContext(c.ctx, `SELECT DISTINCT folder FROM folder_messages`)
	if err != nil {
		return fmt.Errorf("read the folder index: %w", err)
	}
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			rows.Close()
			return fmt.Errorf("read the folder index: %w", err)
		}
		if !slices.Contains(names, name) && CheckFolderName(name) == nil {
			names = append(names, name)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return fmt.Errorf("read the folder index: %w", err)
	}
	for _, name := range names {
		rep, err := c.s.indexFolder(c.ctx, name, false)
		if err != nil {
			return err
		}
		if !rep.Changed() {
			continue
		}
		c.problem("folder %s: the index is behind its files (%d not indexed, %d gone, %d with changed flags)",
			printable(name), rep.Added, rep.Removed, rep.Updated)
		if !c.repair {
			continue
		}
		if _, err := c.s.indexFolder(c.ctx, name, true); err != nil {
			return err
		}
		c.repaired("indexed folder %s again", printable(name))
	}
	return nil
}

// metaFoldersIndexed records that the local folders were indexed once, after
// the schema gained the folder tables.
const metaFoldersIndexed = "folders_indexed"

// adoptFolders indexes the local folders the first time a writer opens the
// store with the folder tables (folders written before them, by an older
// popterm or another program); later changes keep the rows in step. A
// failure is left for the folder's next open and popterm check.
func (s *Store) adoptFolders() error {
	if v, err := s.Meta(metaFoldersIndexed); err != nil || v != "" {
		return err
	}
	names, err := s.Folders()
	if err != nil {
		return nil
	}
	s.mu.Lock()
	for _, name := range names {
		if _, err := s.indexFolder(context.Background(), name, true); err != nil {
			s.mu.Unlock()
			return nil
		}
	}
	s.mu.Unlock()
	return s.SetMeta(metaFoldersIndexed, "1")
}

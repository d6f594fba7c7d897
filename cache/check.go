package cache

import (
	"bufio"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"maps"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/popterm/popterm/message"
)

// staleTmp is how old a file in tmp/ must be before Check removes it, the
// Maildir convention (a delivery in progress is never that old).
const staleTmp = 36 * time.Hour

// CheckReport is what Check found and did.
type CheckReport struct {
	// Problems lists everything found, one line each.
	Problems []string
	// Repaired lists what a repair did; one problem may take several steps.
	Repaired []string
	// Unrepaired lists the problems still there after the run: all of them
	// when Check ran without repair.
	Unrepaired []string
}

// OK reports whether Check found nothing wrong.
func (r CheckReport) OK() bool { return len(r.Problems) == 0 }

// checkRow is what Check needs of an index row.
type checkRow struct {
	id         int64
	unique     string
	size       int64
	cached     bool
	f          flags
	headerHash string
	messageID  string
	claimed    bool // an orphan file was found to be this row's body
}

// fileEntry is a file found in cur/ or new/.
type fileEntry struct {
	dir, name, unique string
	id                int64
}

func (e fileEntry) path() string { return filepath.Join(e.dir, e.name) }

// shown is the file name as a report may show it: names in the Maildir may
// come from other programs, so anything unprintable is replaced.
func (e fileEntry) shown() string { return printable(e.name) }

// printable replaces control characters and invalid UTF-8 with '?'.
func printable(s string) string {
	return strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) || unicode.Is(unicode.Bidi_Control, r) {
			return '?'
		}
		return r
	}, s)
}

// checker holds one run of Check.
type checker struct {
	s      *Store
	ctx    context.Context
	repair bool
	// recovering limits the run to what a crash of the previous writer can
	// leave behind (see recover); anything else waits for Check.
	recovering bool
	rep        CheckReport
	fixed      []bool // per problem: repaired
	searchBad  []int  // problems that a rebuild of the search index fixes
	full       bool   // run SQLite's integrity_check too
}

// problem records a finding; the repairs that follow it, up to the next
// problem, fix it.
func (c *checker) problem(format string, a ...any) {
	c.rep.Problems = append(c.rep.Problems, fmt.Sprintf(format, a...))
	c.fixed = append(c.fixed, false)
}

// repaired records a repair of the latest problem.
func (c *checker) repaired(format string, a ...any) {
	c.did(format, a...)
	if len(c.fixed) > 0 {
		c.fixed[len(c.fixed)-1] = true
	}
}

// did records a repair without saying which problem it fixed.
func (c *checker) did(format string, a ...any) {
	c.rep.Repaired = append(c.rep.Repaired, fmt.Sprintf(format, a...))
}

// unrepaired fills Unrepaired.
func (c *checker) unrepaired() {
	for i, p := range c.rep.Problems {
		if !c.fixed[i] {
			c.rep.Unrepaired = append(c.rep.Unrepaired, p)
		}
	}
}

// Check verifies the index against the files and repairs what it safely can
// when repair is set: a row claiming a body whose file is missing or short is
// marked not downloaded (a short file goes to lost+found/); a file no row
// refers to is adopted when its name and header match a row, finishes an
// interrupted removal when the index recorded one, and otherwise moves to
// lost+found/ (mail is never deleted); files in tmp/ older than 36 hours are
// removed; Maildir flag suffixes are brought in line with the index; the
// search index is completed or rebuilt. SQLite's own integrity check (run
// by CheckWith with Full) is reported, not repaired. A read-only store can only check.
func (s *Store) Check(ctx context.Context, repair bool) (CheckReport, error) {
	return s.CheckWith(ctx, CheckOptions{Repair: repair})
}

// CheckOptions choose what CheckWith does.
type CheckOptions struct {
	// Repair fixes what is safe to fix (see Check).
	Repair bool
	// Full adds SQLite's integrity_check of the whole index, which reads
	// every page (seconds on a large store); without it Check runs only the
	// quick checks of the rows against the files.
	Full bool
}

// CheckWith is Check with options.
func (s *Store) CheckWith(ctx context.Context, opts CheckOptions) (CheckReport, error) {
	repair := opts.Repair
	if repair {
		if err := s.writable(); err != nil {
			return CheckReport{}, err
		}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &checker{s: s, ctx: ctx, repair: repair, full: opts.Full}
	err := c.run()
	c.unrepaired()
	if err != nil {
		return c.rep, fmt.Errorf("check store %s: %w", s.dir, err)
	}
	return c.rep, nil
}

func (c *checker) run() error {
	searchBad, err := c.integrity()
	if err != nil {
		return err
	}
	rows, err := c.loadRows()
	if err != nil {
		return err
	}
	files, err := c.loadFiles()
	if err != nil {
		return err
	}
	tombs, err := c.loadTombstones()
	if err != nil {
		return err
	}
	if err := c.files(rows, files, tombs); err != nil {
		return err
	}
	if err := c.tmp(); err != nil {
		return err
	}
	if err := c.folders(); err != nil {
		return err
	}
	return c.search(searchBad)
}

// recover finishes what a writer killed in the middle of an operation left
// undone: a body renamed into cur/ before its row was updated is adopted, a
// file whose suffix lags behind the index is renamed, and the files of
// removed messages are unlinked. It returns what it did. Unknown files and
// damaged rows are left for Check to report.
func (s *Store) recover(ctx context.Context) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c := &checker{s: s, ctx: ctx, repair: true, recovering: true}
	rows, err := c.loadRows()
	if err != nil {
		return nil, err
	}
	files, err := c.loadFiles()
	if err != nil {
		return nil, err
	}
	tombs, err := c.loadTombstones()
	if err != nil {
		return nil, err
	}
	if err := c.files(rows, files, tombs); err != nil {
		return nil, err
	}
	if err := c.tmp(); err != nil {
		return nil, err
	}
	if err := c.folders(); err != nil {
		return nil, err
	}
	return c.rep.Repaired, nil
}

// integrity runs PRAGMA integrity_check, which also checks the FTS5 index
// against its content. It reports whether the search index is damaged; the
// rest is reported, not repaired.
func (c *checker) integrity() (searchBad bool, err error) {
	if !c.full {
		return false, nil
	}
	rows, err := c.s.db.QueryContext(c.ctx, `PRAGMA integrity_check`)
	if err != nil {
		return false, fmt.Errorf("integrity check: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var line string
		if err := rows.Scan(&line); err != nil {
			return false, err
		}
		switch {
		case line == "ok":
		case strings.Contains(strings.ToLower(line), "fts5"):
			searchBad = true
			c.problem("search index: %s", line)
			c.searchBad = append(c.searchBad, len(c.rep.Problems)-1)
		default:
			c.problem("index database: %s (restore index.db from a backup, or move it away and sync again)", line)
		}
	}
	return searchBad, rows.Err()
}

func (c *checker) loadRows() (map[int64]*checkRow, error) {
	rows, err := c.s.db.QueryContext(c.ctx, `SELECT id, file, file_size, cached, seen, deleted, flagged,
		answered, header_hash, message_id FROM messages`)
	if err != nil {
		return nil, fmt.Errorf("read index: %w", err)
	}
	defer rows.Close()
	out := make(map[int64]*checkRow)
	for rows.Next() {
		r := new(checkRow)
		if err := rows.Scan(&r.id, &r.unique, &r.size, &r.cached, &r.f.seen, &r.f.deleted, &r.f.flagged,
			&r.f.answered, &r.headerHash, &r.messageID); err != nil {
			return nil, fmt.Errorf("read index: %w", err)
		}
		out[r.id] = r
	}
	return out, rows.Err()
}

// loadFiles lists cur/ and new/ by unique name.
func (c *checker) loadFiles() (map[string][]fileEntry, error) {
	out := make(map[string][]fileEntry)
	for _, sub := range []string{"cur", "new"} {
		dir := c.s.path(maildirName, sub)
		entries, err := os.ReadDir(dir)
		if err != nil {
			return nil, fmt.Errorf("list %s: %w", sub, err)
		}
		for _, e := range entries {
			if e.IsDir() || strings.HasPrefix(e.Name(), ".") {
				continue
			}
			unique, id := parseFileName(e.Name())
			out[unique] = append(out[unique], fileEntry{dir: dir, name: e.Name(), unique: unique, id: id})
		}
	}
	return out, nil
}

func (c *checker) loadTombstones() (map[string]bool, error) {
	rows, err := c.s.db.QueryContext(c.ctx, `SELECT file FROM removed_files`)
	if err != nil {
		return nil, fmt.Errorf("read removed files: %w", err)
	}
	defer rows.Close()
	out := make(map[string]bool)
	for rows.Next() {
		var f string
		if err := rows.Scan(&f); err != nil {
			return nil, err
		}
		out[f] = true
	}
	return out, rows.Err()
}

// files matches rows and files.
func (c *checker) files(rows map[int64]*checkRow, files map[string][]fileEntry, tombs map[string]bool) error {
	// Rows in ID order and files in name order, so reports read in order.
	ids := slices.Sorted(maps.Keys(rows))
	var missing []*checkRow
	for _, id := range ids {
		r := rows[id]
		if !r.cached {
			continue
		}
		fs := files[r.unique]
		if len(fs) == 0 {
			missing = append(missing, r)
			continue
		}
		delete(files, r.unique)
		for _, extra := range fs[1:] {
			files[extra.name] = []fileEntry{extra} // an unexpected second copy
		}
		if err := c.checkFile(r, fs[0]); err != nil {
			return err
		}
	}
	// Files no row refers to.
	for _, name := range slices.Sorted(maps.Keys(files)) {
		for _, e := range files[name] {
			if err := c.orphan(e, rows, tombs); err != nil {
				return err
			}
		}
	}
	for _, r := range missing {
		if !r.claimed && !c.recovering { // not adopted from an orphan above
			c.problem("message %d: marked downloaded, but its file %s is missing", r.id, printable(r.unique))
			if err := c.uncache(r); err != nil {
				return err
			}
		}
	}
	// Tombstones whose files are gone.
	if c.repair && len(tombs) > 0 {
		var gone []string
		for f := range tombs {
			if _, err := c.s.locate(f); errors.Is(err, os.ErrNotExist) {
				gone = append(gone, f)
			}
		}
		if err := c.s.dropTombstones(c.ctx, gone); err != nil {
			return fmt.Errorf("clear removed files: %w", err)
		}
	}
	return nil
}

// checkFile checks the file of a cached row: size, folder and flags.
func (c *checker) checkFile(r *checkRow, e fileEntry) error {
	st, err := os.Stat(e.path())
	if err != nil {
		return fmt.Errorf("message %d: %w", r.id, err)
	}
	if st.Size() < r.size && !c.recovering {
		c.problem("message %d: file %s is short (%d of %d bytes)", r.id, e.shown(), st.Size(), r.size)
		if err := c.toLostFound(e); err != nil {
			return err
		}
		return c.uncache(r)
	}
	want := c.s.curPath(r.unique, r.f)
	if e.path() == want {
		return nil
	}
	c.problem("message %d: file %s should be %s", r.id, e.shown(), filepath.Base(want))
	if !c.repair {
		return nil
	}
	if err := os.Rename(e.path(), want); err != nil {
		return fmt.Errorf("message %d: rename file: %w", r.id, err)
	}
	if err := syncDir(c.s.path(maildirName, "cur")); err != nil {
		return err
	}
	c.repaired("message %d: renamed %s to %s", r.id, e.shown(), filepath.Base(want))
	return nil
}

// orphan handles a file that no cached row refers to.
func (c *checker) orphan(e fileEntry, rows map[int64]*checkRow, tombs map[string]bool) error {
	if tombs[e.unique] {
		c.problem("file %s belongs to a removed message", e.shown())
		if !c.repair {
			return nil
		}
		if err := os.Remove(e.path()); err != nil {
			return fmt.Errorf("remove %s: %w", e.shown(), err)
		}
		c.repaired("removed %s, left over from a committed deletion", e.shown())
		return syncDir(e.dir)
	}
	if r := rows[e.id]; e.id > 0 && r != nil && c.adoptable(r, e) {
		r.claimed = true
		c.problem("message %d: file %s is stored but not recorded in the index", r.id, e.shown())
		return c.adopt(r, e)
	}
	if c.recovering {
		return nil
	}
	c.problem("file %s matches no message in the index", e.shown())
	return c.toLostFound(e)
}

// adoptable reports whether e is the body of row r: r has no body yet (or
// lost its file), and the file's header matches the one fetched with TOP, by
// hash or by Message-ID.
func (c *checker) adoptable(r *checkRow, e fileEntry) bool {
	if r.claimed {
		return false
	}
	if r.cached {
		if _, err := os.Stat(c.s.curPath(r.unique, r.f)); err == nil || r.unique == e.unique {
			return false
		}
	}
	h, err := readHeader(e.path())
	if err != nil {
		return false
	}
	if HeaderHash(h) == r.headerHash {
		return true
	}
	id := message.ParseSummary(h).MessageID
	return id != "" && id == r.messageID
}

// readHeader reads a file's header block, bounded.
func readHeader(path string) ([]byte, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	br := bufio.NewReader(io.LimitReader(f, 1<<20))
	var h []byte
	for {
		line, err := br.ReadBytes('\n')
		h = append(h, line...)
		if len(strings.TrimRight(string(line), "\r\n")) == 0 || err != nil {
			break
		}
	}
	return h, nil
}

// adopt records e as the body of r.
func (c *checker) adopt(r *checkRow, e fileEntry) error {
	if !c.repair {
		return nil
	}
	st, err := os.Stat(e.path())
	if err != nil {
		return err
	}
	want := c.s.curPath(e.unique, r.f)
	if e.path() != want {
		if err := os.Rename(e.path(), want); err != nil {
			return fmt.Errorf("message %d: rename file: %w", r.id, err)
		}
		if err := syncDir(c.s.path(maildirName, "cur")); err != nil {
			return err
		}
	}
	// The body indexer (IndexBodies) indexes it for search.
	err = c.s.inTx(c.ctx, func(tx *sql.Tx) error {
		if err := unindexBody(c.ctx, tx, r.id); err != nil {
			return err
		}
		_, err := tx.ExecContext(c.ctx, `UPDATE messages SET cached = 1, file = ?, file_size = ?,
			downloaded_at = ?, body_indexed = 0 WHERE id = ?`,
			e.unique, st.Size(), st.ModTime().UnixMilli(), r.id)
		return err
	})
	if err != nil {
		return fmt.Errorf("message %d: adopt file: %w", r.id, err)
	}
	r.cached, r.unique, r.size = true, e.unique, st.Size()
	c.repaired("message %d: adopted %s", r.id, filepath.Base(want))
	return nil
}

// uncache marks a row as not downloaded.
func (c *checker) uncache(r *checkRow) error {
	if !c.repair {
		return nil
	}
	err := c.s.inTx(c.ctx, func(tx *sql.Tx) error {
		if err := unindexBody(c.ctx, tx, r.id); err != nil {
			return err
		}
		_, err := tx.ExecContext(c.ctx, `UPDATE messages SET cached = 0, file = '', file_size = 0,
			downloaded_at = NULL WHERE id = ?`, r.id)
		return err
	})
	if err != nil {
		return fmt.Errorf("message %d: mark not downloaded: %w", r.id, err)
	}
	r.cached = false
	c.repaired("message %d: marked not downloaded (the next sync or open fetches it again)", r.id)
	return nil
}

// toLostFound moves a file the index cannot account for out of the Maildir.
func (c *checker) toLostFound(e fileEntry) error {
	if !c.repair {
		return nil
	}
	dir := c.s.path(lostFoundName)
	if err := os.MkdirAll(dir, dirPerm); err != nil {
		return fmt.Errorf("create lost+found: %w", err)
	}
	target := filepath.Join(dir, e.name)
	for i := 1; ; i++ {
		if _, err := os.Lstat(target); errors.Is(err, os.ErrNotExist) {
			break
		}
		target = filepath.Join(dir, fmt.Sprintf("%s.%d", e.name, i))
	}
	if err := os.Rename(e.path(), target); err != nil {
		return fmt.Errorf("move %s to lost+found: %w", e.shown(), err)
	}
	if err := syncDir(dir); err != nil {
		return err
	}
	c.repaired("moved %s to %s", e.shown(), printable(target))
	return syncDir(e.dir)
}

// tmp removes leftovers from tmp/: popterm's own files (named as
// newUniqueName names them) at any age, since only the writer, which holds
// the lock this run holds, writes them, and so they are downloads a kill
// interrupted; other files once older than 36 hours, the Maildir convention
// (a delivery by another program in progress is never that old).
func (c *checker) tmp() error {
	dir := c.s.path(maildirName, "tmp")
	entries, err := os.ReadDir(dir)
	if err != nil {
		return fmt.Errorf("list tmp: %w", err)
	}
	removed := false
	for _, e := range entries {
		info, err := e.Info()
		if err != nil || e.IsDir() {
			continue
		}
		ours := uniqueNameRE.MatchString(e.Name()) && !c.s.readOnly
		switch {
		case ours:
			c.problem("tmp/%s: unfinished download", printable(e.Name()))
		case c.recovering || time.Since(info.ModTime()) < staleTmp:
			continue
		default:
			c.problem("tmp/%s: unfinished download older than 36 hours", printable(e.Name()))
		}
		if !c.repair {
			continue
		}
		if err := os.Remove(filepath.Join(dir, e.Name())); err != nil {
			return fmt.Errorf("remove stale tmp file: %w", err)
		}
		removed = true
		c.repaired("removed tmp/%s, an unfinished download", printable(e.Name()))
	}
	if removed {
		return syncDir(dir)
	}
	return nil
}

// search rebuilds a damaged full-text index and completes it against the
// rows. The tables keep no text, so a rebuild empties them, indexes the
// headers again from the rows and leaves the bodies to the body indexer
// (IndexBodies, run by the next sync).
func (c *checker) search(bad bool) error {
	if bad && c.repair {
		if err := c.rebuildSearch(); err != nil {
			return err
		}
		c.did("rebuilt the search index (message bodies are indexed again by the next sync)")
		for _, i := range c.searchBad {
			c.fixed[i] = true
		}
		return nil
	}
	var missing, extra int
	err := c.s.db.QueryRowContext(c.ctx, `SELECT
		(SELECT count(*) FROM messages WHERE id NOT IN (SELECT rowid FROM search)),
		(SELECT count(*) FROM search WHERE rowid NOT IN (SELECT id FROM messages))`).Scan(&missing, &extra)
	if err != nil {
		return fmt.Errorf("compare search index: %w", err)
	}
	if missing == 0 && extra == 0 {
		return nil
	}
	c.problem("search index: %d messages missing, %d left over", missing, extra)
	if !c.repair {
		return nil
	}
	if err := c.rebuildSearch(); err != nil {
		return err
	}
	c.repaired("search index: rebuilt (%d messages were missing, %d left over; bodies are indexed again by the next sync)", missing, extra)
	return nil
}

// rebuildSearch empties the search tables and indexes every row's headers;
// every stored body waits for the body indexer again.
func (c *checker) rebuildSearch() error {
	err := c.s.inTx(c.ctx, func(tx *sql.Tx) error {
		for _, q := range []string{
			`INSERT INTO search (search) VALUES ('delete-all')`,
			`INSERT INTO search_words (search_words) VALUES ('delete-all')`,
			`UPDATE messages SET body_indexed = 0 WHERE body_indexed != 0`,
			`INSERT INTO search (rowid, subject, addrs, cjk) SELECT id, subject, ` + addrsExpr + `, '' FROM messages`,
		} {
			if _, err := tx.ExecContext(c.ctx, q); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("rebuild search index: %w", err)
	}
	return nil
}

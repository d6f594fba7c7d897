package cache

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	_ "modernc.org/sqlite" // registers the "sqlite" driver
)

// Options for Open.
type Options struct {
	// ReadOnly opens without the write lock (a second instance): the index is
	// opened in SQLite's read-only mode and every write returns ErrReadOnly.
	ReadOnly bool
	// LockWait is how long Open waits for the write lock before it reports
	// ErrLocked (0: not at all). A short wait covers a holder that is about
	// to end, such as a process that finished a moment ago or, after a
	// writer was killed, a child it was starting, which holds a copy of the
	// lock until it runs its program.
	LockWait time.Duration
	// Holder says who takes the write lock, for the message another process
	// gets while this one holds it (for example "the reader"); "" for a
	// plain "another popterm process".
	Holder string
	// CacheKB is the page cache of each pooled connection to the index, in
	// KiB (0: 16,000). The reader asks for less: it reads the index on
	// several connections at once, and each cache stays resident.
	CacheKB int
}

// Store is one account's store. Its methods are safe for concurrent use.
type Store struct {
	dir      string
	readOnly bool
	db       *sql.DB
	lock     *os.File // nil when read-only
	host     string   // sanitized host name for Maildir file names
	cacheKB  int      // Options.CacheKB

	// recovered is what Open repaired after a writer that did not close.
	recovered []string
	// note is a caveat for the user (a read-only file system), or "".
	note string

	// mu serialises the steps that must agree between the index and the
	// files: the end of SaveBody, flag renames, Remove and Check.
	mu     sync.Mutex
	closed bool
}

// metaOpen is the meta key a writer sets while it has the store open; found
// set at Open, it means the last writer died without closing.
const metaOpen = "writer_open"

// Folder and file names inside the store.
const (
	maildirName   = "Maildir"
	indexName     = "index.db"
	lockName      = "lock"
	lostFoundName = "lost+found"
	dirPerm       = 0o700
	filePerm      = 0o600
)

// Open opens (creating when needed) the store in dir. Unless opts.ReadOnly,
// it takes the account's write lock and fails with an error matching
// ErrLocked when another process holds it, brings the index schema up to
// date, and, when the previous writer was killed, finishes its interrupted
// work (see Recovered). A read-only open needs an existing store (the error
// matches fs.ErrNotExist when there is none) and never writes to it.
func Open(dir string, opts Options) (*Store, error) {
	dir = filepath.Clean(dir)
	s := &Store{dir: dir, readOnly: opts.ReadOnly, host: hostName(), cacheKB: opts.CacheKB}
	if opts.ReadOnly {
		if err := s.openReadOnly(); err != nil {
			return nil, err
		}
		return s, nil
	}
	err := s.makeFolders()
	if err == nil {
		err = s.takeLock(opts.LockWait, opts.Holder)
	}
	if isReadOnlyFS(err) {
		// A read-only mount or someone else's backup: browse it.
		ro := &Store{dir: dir, readOnly: true, host: s.host}
		if rerr := ro.openReadOnly(); rerr != nil {
			return nil, fmt.Errorf("%w (and read-only: %w)", err, rerr)
		}
		ro.note = "the store " + printable(dir) + " cannot be written (a read-only file system, or another user's files): it is open read-only for browsing; nothing can be synced or changed"
		return ro, nil
	}
	if err != nil {
		return nil, err
	}
	if err := s.checkIndexFile(); err != nil {
		s.releaseLock()
		return nil, err
	}
	if err := s.openIndex(); err != nil {
		s.releaseLock()
		return nil, err
	}
	err = s.recoverIfNeeded()
	if err == nil {
		err = s.adoptFolders()
	}
	if err != nil {
		s.db.Close()
		s.releaseLock()
		return nil, fmt.Errorf("open store %s: %w", dir, err)
	}
	return s, nil
}

// recoverIfNeeded runs recover when the last writer did not close the store,
// then marks the store open.
func (s *Store) recoverIfNeeded() error {
	v, err := s.Meta(metaOpen)
	if err != nil {
		return err
	}
	if v != "" {
		if s.recovered, err = s.recover(context.Background()); err != nil {
			return fmt.Errorf("recover after an unclean exit: %w", err)
		}
	}
	return s.SetMeta(metaOpen, "1")
}

// Recovered returns what Open repaired because the previous writer was
// killed in the middle of its work (nil when it closed cleanly), for a
// verbose log. Check repairs everything else.
func (s *Store) Recovered() []string { return s.recovered }

// Dir returns the store's folder.
func (s *Store) Dir() string { return s.dir }

// ReadOnly reports whether the store was opened read-only.
func (s *Store) ReadOnly() bool { return s.readOnly }

// Warning returns a caveat about this store to show the user once (the
// system cannot lock the account), or "".
func (s *Store) Warning() string {
	if s.note != "" {
		return s.note
	}
	return lockWarning
}

// isReadOnlyFS reports an error from creating or locking the store that
// means it cannot be written at all: a read-only file system, or folders
// that belong to someone else.
func isReadOnlyFS(err error) bool {
	return err != nil && (errors.Is(err, syscall.EROFS) || errors.Is(err, fs.ErrPermission))
}

// Close releases the database and the lock. It is safe to call twice.
func (s *Store) Close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.closed {
		return nil
	}
	s.closed = true
	var err error
	if !s.readOnly {
		_, err = s.db.Exec(`DELETE FROM meta WHERE key = ?`, metaOpen)
	}
	if cerr := s.db.Close(); err == nil {
		err = cerr
	}
	s.releaseLock()
	if err != nil {
		return fmt.Errorf("close index of %s: %w", s.dir, err)
	}
	return nil
}

// makeFolders creates the store's folders with mode 0700, tightening folders
// that exist with looser modes.
func (s *Store) makeFolders() error {
	for _, d := range []string{s.dir, s.path(maildirName), s.path(maildirName, "tmp"),
		s.path(maildirName, "new"), s.path(maildirName, "cur")} {
		if err := os.MkdirAll(d, dirPerm); err != nil {
			return fmt.Errorf("create store folder: %w", err)
		}
		if err := os.Chmod(d, dirPerm); err != nil {
			return fmt.Errorf("set mode of store folder: %w", err)
		}
	}
	return nil
}

// lockPoll is how often takeLock tries again while it waits.
const lockPoll = 20 * time.Millisecond

// takeLock opens the lock file and flocks it, trying again for up to wait
// while another process holds it.
func (s *Store) takeLock(wait time.Duration, holder string) error {
	f, err := os.OpenFile(s.path(lockName), os.O_RDWR|os.O_CREATE, filePerm)
	if err != nil {
		return fmt.Errorf("open store lock: %w", err)
	}
	if err := f.Chmod(filePerm); err != nil {
		f.Close()
		return fmt.Errorf("set mode of store lock: %w", err)
	}
	held, err := tryLock(f)
	for deadline := time.Now().Add(wait); held && err == nil && time.Now().Before(deadline); {
		time.Sleep(lockPoll)
		held, err = tryLock(f)
	}
	if err != nil {
		f.Close()
		return fmt.Errorf("lock store %s: %w", s.dir, err)
	}
	if held {
		pid, who := readPID(f)
		f.Close()
		return &lockedError{account: filepath.Base(s.dir), pid: pid, holder: who}
	}
	// The pid and holder are only hints for the message above; the flock is
	// the lock.
	if err := f.Truncate(0); err == nil {
		_, _ = f.WriteAt([]byte(strconv.Itoa(os.Getpid())+"\n"+oneLine(holder)+"\n"), 0)
	}
	s.lock = f
	return nil
}

// readPID reads the holder's pid and name hints from the lock file.
func readPID(f *os.File) (pid, holder string) {
	buf := make([]byte, 128)
	n, _ := f.ReadAt(buf, 0)
	lines := strings.SplitN(string(buf[:n]), "\n", 3)
	if _, err := strconv.Atoi(strings.TrimSpace(lines[0])); err == nil {
		pid = strings.TrimSpace(lines[0])
	}
	if len(lines) > 1 {
		holder = strings.TrimSpace(lines[1])
	}
	return pid, holder
}

func (s *Store) releaseLock() {
	if s.lock != nil {
		s.lock.Close() // closing the descriptor drops the flock
		s.lock = nil
	}
}

// openIndex opens index.db for writing and migrates it.
func (s *Store) openIndex() error {
	p := s.path(indexName)
	f, err := os.OpenFile(p, os.O_RDWR|os.O_CREATE, filePerm)
	if err != nil {
		return fmt.Errorf("create index: %w", err)
	}
	f.Close()
	// SQLite gives -wal and -shm the mode of the database file.
	if err := os.Chmod(p, filePerm); err != nil {
		return fmt.Errorf("set mode of index: %w", err)
	}
	db, err := sql.Open("sqlite", s.indexDSN(p, false))
	if err != nil {
		return fmt.Errorf("open index: %w", err)
	}
	s.db = db
	ctx := context.Background()
	if err := migrate(ctx, db, migrations()); err != nil {
		db.Close()
		if err := s.damaged(err); errors.Is(err, ErrDamaged) {
			return err
		}
		return fmt.Errorf("open index %s: %w", p, err)
	}
	if err := s.readable(ctx); err != nil {
		db.Close()
		return err
	}
	for _, suffix := range []string{"-wal", "-shm"} {
		if err := os.Chmod(p+suffix, filePerm); err != nil && !errors.Is(err, os.ErrNotExist) {
			db.Close()
			return fmt.Errorf("set mode of index: %w", err)
		}
	}
	return nil
}

// readable reads the whole messages table once (a few milliseconds for
// 100,000 rows), so that a truncated index is reported as damaged at Open,
// not by whichever command first reads the missing pages.
func (s *Store) readable(ctx context.Context) error {
	var n, sum int64
	err := s.db.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(length(uidl)), 0) FROM messages`).Scan(&n, &sum)
	if err != nil {
		if derr := s.damaged(err); errors.Is(derr, ErrDamaged) {
			return derr
		}
		return fmt.Errorf("read index %s: %w", s.path(indexName), err)
	}
	return nil
}

// openReadOnly opens an existing index in SQLite's read-only mode.
func (s *Store) openReadOnly() error {
	p := s.path(indexName)
	if err := s.checkIndexFile(); err != nil {
		return err
	}
	if _, err := os.Stat(p); err != nil {
		return fmt.Errorf("open store %s read-only: %w (it has never been synced)", s.dir, err)
	}
	db, err := sql.Open("sqlite", s.indexDSN(p, true))
	if err != nil {
		return fmt.Errorf("open index: %w", err)
	}
	v, err := schemaVersion(context.Background(), db)
	switch known := len(migrations()); {
	case err != nil:
	case v > known:
		err = fmt.Errorf("schema version %d was written by a newer popterm (this one knows %d): upgrade popterm", v, known)
	case v < known:
		err = fmt.Errorf("schema version %d is older than this popterm's %d: it is upgraded when no other popterm has the account open and this one opens it again", v, known)
	}
	if err != nil {
		db.Close()
		if err := s.damaged(err); errors.Is(err, ErrDamaged) {
			return err
		}
		return fmt.Errorf("open index %s read-only: %w", p, err)
	}
	s.db = db
	if err := s.readable(context.Background()); err != nil {
		db.Close()
		return err
	}
	return nil
}

// dsn builds the modernc.org/sqlite data source name. Pragmas go in the DSN
// so that every pooled connection gets them. Write transactions BEGIN
// IMMEDIATE, so two writers queue on busy_timeout instead of failing when a
// reader upgrades.
func dsn(path string, readOnly bool) string {
	p := filepath.ToSlash(path)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // a Windows drive path: file:///C:/...
	}
	p = strings.NewReplacer("%", "%25", "?", "%3f", "#", "%23").Replace(p)
	q := "_pragma=busy_timeout(5000)&_pragma=foreign_keys(1)"
	if readOnly {
		return "file://" + p + "?mode=ro&" + q + "&_pragma=query_only(1)"
	}
	return "file://" + p + "?" + q +
		"&_pragma=journal_mode(WAL)&_pragma=synchronous(FULL)&_pragma=cache_size(-16000)&_txlock=immediate"
}

// indexDSN is dsn with the page cache of Options.CacheKB, when set (the
// later pragma wins).
func (s *Store) indexDSN(path string, readOnly bool) string {
	d := dsn(path, readOnly)
	if s.cacheKB > 0 {
		d += fmt.Sprintf("&_pragma=cache_size(-%d)", s.cacheKB)
	}
	return d
}

// path joins elements onto the store folder.
func (s *Store) path(elem ...string) string {
	return filepath.Join(append([]string{s.dir}, elem...)...)
}

// writable fails for read-only stores.
func (s *Store) writable() error {
	if s.readOnly {
		return ErrReadOnly
	}
	return nil
}

// hostName returns the host name reduced to characters safe in a Maildir
// file name.
func hostName() string {
	h, err := os.Hostname()
	if err != nil || h == "" {
		return "localhost"
	}
	var b strings.Builder
	for _, r := range h {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9', r == '-', r == '.':
			b.WriteRune(r)
		default:
			b.WriteByte('_')
		}
	}
	return b.String()
}

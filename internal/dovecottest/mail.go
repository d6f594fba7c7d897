package dovecottest

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
	"time"
)

// fillWorkers is how many goroutines of Fill write files at once.
const fillWorkers = 4

// validUser is what a user name may look like (it becomes a folder name).
// Dovecot lowercases login names (auth_username_format = %Lu), so upper case
// is not allowed.
var validUser = regexp.MustCompile(`^[a-z0-9._-]{1,64}$`)

// AddUser adds a user with an empty Maildir, usable at once. It may also
// change the password of an existing user (keeping the mail), which Dovecot
// notices within a second.
func (s *Server) AddUser(name, password string) error {
	if !validUser.MatchString(name) || name == "." || name == ".." {
		return fmt.Errorf("add user %q: name must be 1-64 of [a-z0-9._-]", name)
	}
	if strings.ContainsAny(password, ":\r\n") {
		return fmt.Errorf("add user %s: password may not contain ':' or a line break", name)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	home := s.home(name)
	for _, d := range []string{"", "Maildir", "Maildir/tmp", "Maildir/new", "Maildir/cur"} {
		p := filepath.Join(home, d)
		if err := os.MkdirAll(p, 0o700); err != nil {
			return fmt.Errorf("add user %s: %w", name, err)
		}
		if err := s.chown(p); err != nil {
			return fmt.Errorf("add user %s: %w", name, err)
		}
	}
	// user:password:uid:gid:gecos:home:shell (uid and gid come from
	// mail_uid).
	line := fmt.Sprintf("%s:{PLAIN}%s::::%s::\n", name, password, home)
	tmp := filepath.Join(s.dir, "users", "."+name+".tmp")
	if err := os.WriteFile(tmp, []byte(line), 0o600); err != nil {
		return fmt.Errorf("add user %s: %w", name, err)
	}
	if err := os.Rename(tmp, filepath.Join(s.dir, "users", name)); err != nil {
		return fmt.Errorf("add user %s: %w", name, err)
	}
	s.users[name] = password
	return nil
}

// home returns a user's home folder.
func (s *Server) home(user string) string { return filepath.Join(s.dir, "home", user) }

// Maildir returns the path of a user's Maildir.
func (s *Server) Maildir(user string) string { return filepath.Join(s.home(user), "Maildir") }

// chown gives a path to the mail user when running as root.
func (s *Server) chown(path string) error {
	if !s.id.root {
		return nil
	}
	return os.Lchown(path, s.id.mailUID, s.id.mailGID)
}

// WriteMessage delivers raw into the user's Maildir the way an MTA does:
// written to tmp/, then renamed into new/, so Dovecot never sees a partial
// file. The bytes are stored unchanged (LF or CRLF line ends both work). It
// returns the file's name. The file name carries S= and W= sizes so Dovecot
// need not read the file to answer LIST.
func (s *Server) WriteMessage(user string, raw []byte) (string, error) {
	return s.WriteMessageFrom(user, bytes.NewReader(raw))
}

// WriteMessageFrom is WriteMessage for a message read from r, which is
// streamed to disk (a 100 MB message never sits in memory).
func (s *Server) WriteMessageFrom(user string, r io.Reader) (string, error) {
	base, err := s.reserveName(user)
	if err != nil {
		return "", err
	}
	return s.deliverAs(user, base, r)
}

// reserveName returns the base of a new Maildir file name for user. Dovecot
// numbers new messages by the time in their names, so the times are kept
// strictly increasing: reservation order is message order.
func (s *Server) reserveName(user string) (string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.users[user]; !ok {
		return "", fmt.Errorf("deliver to %q: no such user", user)
	}
	s.seq++
	now := time.Now().Truncate(time.Microsecond)
	if !now.After(s.lastTime) {
		now = s.lastTime.Add(time.Microsecond)
	}
	s.lastTime = now
	return fmt.Sprintf("%d.M%06dP%dQ%08d.dovecottest", now.Unix(), now.Nanosecond()/1000, os.Getpid(), s.seq), nil
}

// deliverAs writes r to tmp/base and renames it into new/ with its sizes.
func (s *Server) deliverAs(user, base string, r io.Reader) (string, error) {
	md := s.Maildir(user)
	tmp := filepath.Join(md, "tmp", base)
	size, vsize, err := s.writeFile(tmp, r)
	if err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("deliver to %s: %w", user, err)
	}
	name := fmt.Sprintf("%s,S=%d,W=%d", base, size, vsize)
	if err := os.Rename(tmp, filepath.Join(md, "new", name)); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("deliver to %s: %w", user, err)
	}
	return name, nil
}

// writeFile copies r into a new file owned by the mail user and returns its
// size and its virtual size (every bare LF counted as CRLF, as POP3 sends it:
// Dovecot's W= field).
func (s *Server) writeFile(path string, r io.Reader) (size, vsize int64, err error) {
	f, err := os.OpenFile(path, os.O_CREATE|os.O_EXCL|os.O_WRONLY, 0o600)
	if err != nil {
		return 0, 0, err
	}
	defer func() {
		if cerr := f.Close(); err == nil {
			err = cerr
		}
	}()
	if err := s.chown(path); err != nil {
		return 0, 0, err
	}
	vc := &vsizeCounter{prev: '\n'}
	size, err = io.Copy(io.MultiWriter(f, vc), r)
	return size, size + vc.bareLF, err
}

// vsizeCounter counts the LFs not preceded by CR in what it is written.
type vsizeCounter struct {
	bareLF int64
	prev   byte
}

func (v *vsizeCounter) Write(p []byte) (int, error) {
	for _, b := range p {
		if b == '\n' && v.prev != '\r' {
			v.bareLF++
		}
		v.prev = b
	}
	return len(p), nil
}

// Deliver is WriteMessage for tests: it fails the test on error (or panics
// for a Server from StartProcess) and returns the file name.
func (s *Server) Deliver(user string, raw []byte) string {
	name, err := s.WriteMessage(user, raw)
	s.must(err)
	return name
}

// Fill delivers n generated messages, gen(i) for i in [0, n), in order: the
// first becomes message 1 of the next session. gen is called from the
// caller's goroutine, one message at a time; the files are written by a few
// goroutines at once.
func (s *Server) Fill(user string, n int, gen func(i int) []byte) error {
	type job struct {
		base string
		raw  []byte
	}
	jobs := make(chan job, 64)
	errs := make(chan error, fillWorkers)
	var wg sync.WaitGroup
	for w := 0; w < fillWorkers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				if _, err := s.deliverAs(user, j.base, bytes.NewReader(j.raw)); err != nil {
					errs <- err
					for range jobs {
					}
					return
				}
			}
		}()
	}
	var err error
	for i := 0; i < n && err == nil; i++ {
		var base string
		if base, err = s.reserveName(user); err == nil {
			select {
			case jobs <- job{base, gen(i)}:
			case err = <-errs:
			}
		}
	}
	close(jobs)
	wg.Wait()
	if err == nil {
		select {
		case err = <-errs:
		default:
		}
	}
	return err
}

// Files returns the paths of the user's messages (new/ and cur/), sorted.
// Dovecot moves messages from new/ to cur/ and renames them to record flags,
// so names may change, but the count only drops when a message is expunged.
func (s *Server) Files(user string) ([]string, error) {
	var files []string
	for _, sub := range []string{"new", "cur"} {
		ents, err := os.ReadDir(filepath.Join(s.Maildir(user), sub))
		if err != nil {
			return nil, fmt.Errorf("list messages of %s: %w", user, err)
		}
		for _, e := range ents {
			if !e.Type().IsRegular() || strings.HasPrefix(e.Name(), ".") {
				continue
			}
			files = append(files, filepath.Join(s.Maildir(user), sub, e.Name()))
		}
	}
	sort.Strings(files)
	return files, nil
}

// MessageFiles is Files for tests: it fails the test on error.
func (s *Server) MessageFiles(user string) []string {
	files, err := s.Files(user)
	s.must(err)
	return files
}

// Count returns how many messages the user's Maildir holds on disk, to check
// deletions on the server side without a POP3 client.
func (s *Server) Count(user string) int { return len(s.MessageFiles(user)) }

// Messages returns the contents of the user's messages on disk, in Files
// order.
func (s *Server) Messages(user string) [][]byte {
	var out [][]byte
	for _, f := range s.MessageFiles(user) {
		b, err := os.ReadFile(f)
		s.must(err)
		out = append(out, b)
	}
	return out
}

// HasMessage reports whether some message of the user is exactly raw.
func (s *Server) HasMessage(user string, raw []byte) bool {
	for _, m := range s.Messages(user) {
		if bytes.Equal(m, raw) {
			return true
		}
	}
	return false
}

// must fails the test (or panics without one) when err is not nil.
func (s *Server) must(err error) {
	if err == nil {
		return
	}
	if s.tb != nil {
		s.tb.Helper()
		s.tb.Fatalf("dovecottest: %v", err)
	}
	panic("dovecottest: " + err.Error())
}

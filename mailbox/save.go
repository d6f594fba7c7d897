package mailbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/popterm/popterm/cache"
	"github.com/popterm/popterm/mailfile"
)

// Folders lists the account's local folders (Maildir++ folders of its
// store), sorted.
func (e *Engine) Folders() ([]string, error) {
	names, err := e.store.Folders()
	return names, classified(err)
}

// Save copies messages (downloading bodies that are not stored) to target:
//
//   - a local folder of the store by name ("Receipts", or "=Receipts" as
//     in mutt), created on demand;
//   - a path (starting with /, ~/, ./ or ../): an existing Maildir, a new
//     Maildir when it ends in /, else an mbox file, appended to in mboxrd
//     form.
//
// Copies keep the messages' Seen, Flagged and Answered flags where the
// format can (Maildir). It returns where the messages went, for the user.
// The index and the server are not changed.
func (e *Engine) Save(ctx context.Context, ids []int64, target string) (string, error) {
	where, err := save(ctx, engineSource{e}, e.store, ids, target)
	return where, classified(err)
}

// source is where Save reads messages from: the index, or a local folder.
type source interface {
	row(id int64) (cache.Message, error)
	body(ctx context.Context, id int64) (io.ReadCloser, error)
}

// engineSource reads the index, downloading bodies that are not stored.
type engineSource struct{ e *Engine }

func (s engineSource) row(id int64) (cache.Message, error) { return s.e.store.Get(id) }

func (s engineSource) body(ctx context.Context, id int64) (io.ReadCloser, error) {
	return s.e.Body(ctx, id)
}

// save copies ids from src to target (see Engine.Save); a local folder of
// store is indexed after the copies (even after a failed one: those that
// landed are in the folder).
func save(ctx context.Context, src source, store *cache.Store, ids []int64, target string) (where string, err error) {
	dest, err := saveTarget(store.FolderPath, strings.TrimSpace(target))
	if err != nil {
		return "", err
	}
	if dest.folder != "" && !store.ReadOnly() {
		defer func() {
			if _, ierr := store.IndexFolder(ctx, dest.folder); ierr != nil && err == nil {
				err = fmt.Errorf("save: the messages are in %s, but its index was not updated: %w", dest.label, ierr)
			}
		}()
	}
	for _, id := range ids {
		if err := saveOne(ctx, src, id, dest); err != nil {
			return "", err
		}
	}
	return dest.label, nil
}

// destination is a resolved Save target.
type destination struct {
	path    string
	maildir bool
	label   string // "folder Receipts", "Maildir ~/x/", "mbox ~/x.mbox"
	folder  string // the local folder's name; "" for a path
}

// saveTarget resolves a target: a local folder name or a path.
func saveTarget(folderPath func(string) (string, error), target string) (destination, error) {
	if target == "" {
		return destination{}, errors.New("save: no folder or path given")
	}
	if !isPath(target) {
		name := strings.TrimPrefix(target, "=")
		p, err := folderPath(name)
		if err != nil {
			return destination{}, fmt.Errorf("save: %w (a path starts with /, ~/ or ./)", err)
		}
		return destination{path: p, maildir: true, label: "folder " + name, folder: name}, nil
	}
	p := target
	if rest, ok := strings.CutPrefix(target, "~/"); ok {
		home, err := os.UserHomeDir()
		if err != nil {
			return destination{}, fmt.Errorf("save: find the home folder: %w", err)
		}
		p = filepath.Join(home, rest)
	}
	switch fi, err := os.Stat(p); {
	case mailfile.IsMaildir(p):
		return destination{path: p, maildir: true, label: "Maildir " + target}, nil
	case err == nil && fi.IsDir():
		return destination{}, fmt.Errorf("save: %s is a folder but not a Maildir (no cur/, new/, tmp/): name a file for an mbox", target)
	case strings.HasSuffix(target, "/"):
		return destination{path: p, maildir: true, label: "new Maildir " + target}, nil
	}
	return destination{path: p, label: "mbox " + target}, nil
}

// isPath tells a path from a folder name.
func isPath(s string) bool {
	for _, p := range []string{"/", "~/", "./", "../"} {
		if strings.HasPrefix(s, p) {
			return true
		}
	}
	return s == "." || s == ".." || s == "~"
}

// saveOne copies one message to dest.
func saveOne(ctx context.Context, src source, id int64, dest destination) error {
	row, err := src.row(id)
	if err != nil {
		return fmt.Errorf("save message %d: %w", id, err)
	}
	rc, err := src.body(ctx, id)
	if err != nil {
		return fmt.Errorf("save message %d: %w", id, err)
	}
	defer rc.Close()
	if dest.maildir {
		if _, err := mailfile.Deliver(dest.path, rc, maildirFlags(row)); err != nil {
			return fmt.Errorf("save message %d: %w", id, err)
		}
		return nil
	}
	msg := mailfile.MboxMessage{Sender: envelopeSender(row.From), Date: row.Date, Raw: io.Reader(rc)}
	if err := mailfile.AppendMbox(dest.path, []mailfile.MboxMessage{msg}); err != nil {
		return fmt.Errorf("save message %d: %w", id, err)
	}
	return nil
}

// maildirFlags are a row's flags as a Maildir info suffix, in ASCII order.
func maildirFlags(r cache.Message) string {
	var f []byte
	if r.Flagged {
		f = append(f, 'F')
	}
	if r.Answered {
		f = append(f, 'R')
	}
	if r.Seen {
		f = append(f, 'S')
	}
	return string(f)
}

// envelopeSender is the address of "Name <addr>" (or the whole of it).
func envelopeSender(from string) string {
	if i := strings.LastIndex(from, "<"); i >= 0 {
		if j := strings.Index(from[i:], ">"); j > 0 {
			return from[i+1 : i+j]
		}
	}
	return from
}

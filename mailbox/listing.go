package mailbox

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"github.com/popterm/popterm/cache"
	"io"

	"github.com/popterm/popterm/pop3"
)

// hashPrefix starts the identity of a message on a server without UIDL.
const hashPrefix = "hash:"

// maxHeader bounds the header block kept for the index.
const maxHeader = 1 << 20

// key is a message's identity in one listing: its UIDL and which occurrence
// of that UIDL it is (0 for the first, 1.. for duplicates).
type key struct {
	uidl string
	dup  int
}

// entry is one message of this session's listing.
type entry struct {
	num int
	key key
}

// listing maps this session's message numbers to identities.
type listing struct {
	entries []entry
	byKey   map[key]int // key -> index in entries
	// dups counts the occurrences of the UIDLs listed more than once (a
	// UIDL listed once is not in it: the map stays empty on a sane server).
	dups map[string]int
}

// newListing builds a listing from (number, UIDL) pairs in server order,
// numbering duplicates by occurrence.
func newListing(pairs []pop3.UIDEntry) *listing {
	l := &listing{entries: make([]entry, 0, len(pairs)), byKey: make(map[key]int, len(pairs)), dups: map[string]int{}}
	for _, p := range pairs {
		l.add(p.Number, p.UID)
	}
	return l
}

// add lists message n under uidl, numbered after the earlier occurrences of
// the same UIDL, and returns its key.
func (l *listing) add(n int, uidl string) key {
	k := key{uidl: uidl}
	if _, seen := l.byKey[k]; seen {
		k.dup = max(l.dups[uidl], 1)
		l.dups[uidl] = k.dup + 1
	}
	l.byKey[k] = len(l.entries)
	l.entries = append(l.entries, entry{num: n, key: k})
	return k
}

// number returns the message number of k in this session, if listed.
func (l *listing) number(k key) (int, bool) {
	i, ok := l.byKey[k]
	if !ok {
		return 0, false
	}
	return l.entries[i].num, true
}

// unique reports whether the UIDL occurs once, so DELE can target it safely.
func (l *listing) unique(uidl string) bool {
	_, listed := l.byKey[key{uidl: uidl}]
	return listed && l.dups[uidl] == 0
}

// headerBlock is what was read of a message up to the end of its header.
type headerBlock struct {
	// header is the header block with LF line ends and its blank line,
	// bounded by maxHeader.
	header []byte
	// raw is every byte read so far (header plus anything read past it).
	raw []byte
}

// readHeader reads a message's header block from r (LF line ends, as the
// pop3 client delivers them): up to and including the first empty line, or
// maxHeader bytes, or the end. The reader r is left positioned after raw,
// which may run up to one buffer of r past maxHeader: a cut header must not
// lose the bytes read with it, which are part of the message.
func readHeader(r *bufio.Reader) (headerBlock, error) {
	var buf bytes.Buffer
	lineStart := true // the next chunk starts a new line
	for buf.Len() < maxHeader {
		chunk, err := r.ReadSlice('\n')
		buf.Write(chunk)
		if errors.Is(err, bufio.ErrBufferFull) {
			lineStart = false // a long line goes on
			continue
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			return headerBlock{}, err
		}
		blank := len(chunk) == 1 || (len(chunk) == 2 && chunk[0] == '\r')
		if lineStart && blank {
			break
		}
		lineStart = true
	}
	b := buf.Bytes()
	return headerBlock{header: b[:min(len(b), maxHeader)], raw: b}, nil
}

// hashIdentity is the stable identity of a message on a server without
// UIDL: a hash of its header block and its size (the store's header hash,
// so line-end style and the trailing blank line do not matter).
func hashIdentity(header []byte, size int64) string {
	return hashPrefix + cache.HeaderHash(append(fmt.Appendf(nil, "%d\n", size), header...))
}

// fetchUIDL asks UIDL; ok is false when the server does not support it (a
// refusal, or CAPA without UIDL), so the caller falls back to hashes.
func fetchUIDL(ctx context.Context, c *pop3.Client) (pairs []pop3.UIDEntry, ok bool, err error) {
	if caps := c.Caps(); caps != nil && caps.Known && !caps.UIDL {
		return nil, false, nil
	}
	pairs, err = c.UIDL(ctx)
	if err != nil {
		if isRefusal(err) {
			return nil, false, nil
		}
		return nil, false, fmt.Errorf("uidl: %w", err)
	}
	return pairs, true, nil
}

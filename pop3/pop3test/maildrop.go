package pop3test

import (
	"bytes"
	"sync"
)

// Message is one message in a Maildrop.
type Message struct {
	// UID is the message's unique id, as UIDL reports it.
	UID string
	// Data is the raw RFC 5322 message. Line ends may be LF or CRLF: the
	// server always sends CRLF, dot-stuffed, and adds a final line end when
	// the data lacks one.
	Data []byte
}

// entry is a stored message with a maildrop-wide identity, so a session can
// delete exactly the messages it listed even when others were added since.
type entry struct {
	id   int64
	msg  Message
	size int64 // the size the server reports: the length with CRLF line ends
}

// Maildrop is a mailbox of messages held in memory. It is safe for concurrent
// use. Deletions made in a session apply only when that session's QUIT is
// answered in the TRANSACTION state (the RFC 1939 UPDATE state); a dropped
// connection deletes nothing.
type Maildrop struct {
	mu      sync.Mutex
	entries []*entry
	nextID  int64
	locked  bool
	handed  map[int64]bool // retrieved once, under Config.Gmail
}

// NewMaildrop returns a maildrop holding msgs, in order (message 1 first).
func NewMaildrop(msgs ...Message) *Maildrop {
	md := &Maildrop{}
	md.Add(msgs...)
	return md
}

// Add appends messages. Sessions already logged in do not see them (a POP3
// session works on a snapshot); the next login does.
func (md *Maildrop) Add(msgs ...Message) {
	md.mu.Lock()
	defer md.mu.Unlock()
	for _, m := range msgs {
		md.nextID++
		data := bytes.Clone(m.Data)
		md.entries = append(md.entries, &entry{
			id:   md.nextID,
			msg:  Message{UID: m.UID, Data: data},
			size: crlfSize(data),
		})
	}
}

// Messages returns copies of the messages that remain (after committed
// deletions), in order.
func (md *Maildrop) Messages() []Message {
	md.mu.Lock()
	defer md.mu.Unlock()
	out := make([]Message, len(md.entries))
	for i, e := range md.entries {
		out[i] = Message{UID: e.msg.UID, Data: bytes.Clone(e.msg.Data)}
	}
	return out
}

// UIDs returns the UIDs of the messages that remain, in order.
func (md *Maildrop) UIDs() []string {
	md.mu.Lock()
	defer md.mu.Unlock()
	out := make([]string, len(md.entries))
	for i, e := range md.entries {
		out[i] = e.msg.UID
	}
	return out
}

// Len returns the number of messages that remain.
func (md *Maildrop) Len() int {
	md.mu.Lock()
	defer md.mu.Unlock()
	return len(md.entries)
}

// Locked reports whether a session holds the maildrop's lock.
func (md *Maildrop) Locked() bool {
	md.mu.Lock()
	defer md.mu.Unlock()
	return md.locked
}

// snapshot returns the entries a new session sees.
func (md *Maildrop) snapshot() []*entry {
	md.mu.Lock()
	defer md.mu.Unlock()
	return append([]*entry(nil), md.entries...)
}

// tryLock takes the exclusive session lock; it reports false when another
// session holds it.
func (md *Maildrop) tryLock() bool {
	md.mu.Lock()
	defer md.mu.Unlock()
	if md.locked {
		return false
	}
	md.locked = true
	return true
}

func (md *Maildrop) unlock() {
	md.mu.Lock()
	md.locked = false
	md.mu.Unlock()
}

// commit removes the entries with the given ids (the UPDATE state).
func (md *Maildrop) commit(ids map[int64]bool) {
	if len(ids) == 0 {
		return
	}
	md.mu.Lock()
	defer md.mu.Unlock()
	kept := md.entries[:0]
	for _, e := range md.entries {
		if !ids[e.id] {
			kept = append(kept, e)
		}
	}
	clear(md.entries[len(kept):])
	md.entries = kept
}

// nextLine splits the first line off data: the line without its LF or
// CRLF, and the rest. A last line without a line end counts as a line.
func nextLine(data []byte) (line, rest []byte) {
	i := bytes.IndexByte(data, '\n')
	if i < 0 {
		return data, nil
	}
	return bytes.TrimSuffix(data[:i], []byte{'\r'}), data[i+1:]
}

// crlfSize is the length of data with every line ending in CRLF.
func crlfSize(data []byte) int64 {
	var n int64
	for len(data) > 0 {
		var line []byte
		line, data = nextLine(data)
		n += int64(len(line)) + 2
	}
	return n
}

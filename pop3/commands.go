package pop3

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
)

// Capa sends CAPA. A server without CAPA yields an empty set and no error.
func (c *Client) Capa(ctx context.Context) (*Capabilities, error) {
	const label = "CAPA"
	if err := c.begin(ctx, label); err != nil {
		return nil, err
	}
	caps, err := c.capa(label)
	c.capsAsked = true
	if err = c.end(label, err); err != nil {
		if _, refused := err.(*Error); refused {
			c.caps = &Capabilities{}
			return c.caps, nil
		}
		return nil, err
	}
	c.caps = caps
	return caps, nil
}

// capa sends CAPA and reads its reply.
func (c *Client) capa(label string) (*Capabilities, error) {
	if _, err := c.roundTrip(label, "CAPA", "CAPA"); err != nil {
		return nil, err
	}
	lines, err := c.readLines(label, MaxCapaLines)
	if err != nil {
		return nil, err
	}
	caps := ParseCapabilities(lines)
	caps.Implementation = c.sec.redact(caps.Implementation)
	return caps, nil
}

// UTF8 sends the RFC 6856 UTF8 command.
func (c *Client) UTF8(ctx context.Context) error {
	_, err := c.simple(ctx, "UTF8", "", "UTF8")
	return err
}

// Stat sends STAT.
func (c *Client) Stat(ctx context.Context) (count int, size int64, err error) {
	const label = "STAT"
	st, err := c.simple(ctx, label, "", "STAT")
	if err != nil {
		return 0, 0, err
	}
	f := strings.Fields(st.text)
	if len(f) >= 2 {
		count, err1 := strconv.Atoi(f[0])
		size, err2 := strconv.ParseInt(f[1], 10, 64)
		if err1 == nil && err2 == nil && count >= 0 && size >= 0 {
			return count, size, nil
		}
	}
	return 0, 0, c.broke(label, fmt.Errorf("malformed reply %q (want count and size)", c.sec.clean(st.text)))
}

// List sends LIST.
func (c *Client) List(ctx context.Context) ([]MessageInfo, error) {
	const label = "LIST"
	lines, err := c.listing(ctx, label, "LIST")
	if err != nil {
		return nil, err
	}
	out := make([]MessageInfo, 0, len(lines))
	for _, line := range lines {
		mi, err := parseListEntry(line)
		if err != nil {
			return nil, c.broke(label, fmt.Errorf("%w in %q", err, c.sec.clean(line)))
		}
		c.sizes[mi.Number] = mi.Size
		out = append(out, mi)
	}
	return out, nil
}

// ListOne sends LIST n.
func (c *Client) ListOne(ctx context.Context, n int) (MessageInfo, error) {
	label := msgLabel("LIST", n)
	if err := checkMsg(label, n); err != nil {
		return MessageInfo{}, err
	}
	st, err := c.simple(ctx, label, "", "LIST", strconv.Itoa(n))
	if err != nil {
		return MessageInfo{}, err
	}
	mi, err := parseListEntry(st.text)
	if err != nil || mi.Number != n {
		return MessageInfo{}, c.broke(label, fmt.Errorf("malformed reply %q", c.sec.clean(st.text)))
	}
	c.sizes[n] = mi.Size
	return mi, nil
}

// UIDL sends UIDL.
func (c *Client) UIDL(ctx context.Context) ([]UIDEntry, error) {
	const label = "UIDL"
	lines, err := c.listing(ctx, label, "UIDL")
	if err != nil {
		return nil, err
	}
	out := make([]UIDEntry, 0, len(lines))
	for _, line := range lines {
		e, err := parseUIDEntry(line)
		if err != nil {
			return nil, c.broke(label, fmt.Errorf("%w in %q", err, c.sec.quote(line, 80)))
		}
		out = append(out, e)
	}
	return out, nil
}

// UIDLOne sends UIDL n. An unusable unique-id comes back as in UIDL.
func (c *Client) UIDLOne(ctx context.Context, n int) (UIDEntry, error) {
	label := msgLabel("UIDL", n)
	if err := checkMsg(label, n); err != nil {
		return UIDEntry{}, err
	}
	st, err := c.simple(ctx, label, "", "UIDL", strconv.Itoa(n))
	if err != nil {
		return UIDEntry{}, err
	}
	e, err := parseUIDEntry(st.text)
	if err == nil && e.Number != n {
		err = fmt.Errorf("reply is for message %d", e.Number)
	}
	if err != nil {
		return UIDEntry{}, c.broke(label, fmt.Errorf("%w in %q", err, c.sec.quote(st.text, 80)))
	}
	return e, nil
}

// listing runs a command whose reply is a bounded multi-line listing.
func (c *Client) listing(ctx context.Context, label, verb string) ([]string, error) {
	if err := c.begin(ctx, label); err != nil {
		return nil, err
	}
	_, err := c.roundTrip(label, verb, verb)
	var lines []string
	if err == nil {
		lines, err = c.readLines(label, MaxListEntries)
	}
	return lines, c.end(label, err)
}

// MessageInfo is one LIST entry. Size is the server's claim, not a promise.
type MessageInfo struct {
	Number int
	Size   int64
}

// UIDEntry is one UIDL entry. UID is kept as sent (bounded in length) and may
// be unsafe for display or file names.
type UIDEntry struct {
	Number int
	UID    string
	// Unusable, when set, says why the server's unique-id cannot be used
	// (empty, over MaxUIDLength, or bytes outside 0x21-0x7E); UID is then
	// empty. One such entry does not fail the listing: the caller
	// identifies that message some other way.
	Unusable string
}

// parseListEntry parses "n size" (anything after the size is ignored).
func parseListEntry(s string) (MessageInfo, error) {
	f := strings.Fields(s)
	if len(f) >= 2 {
		n, err1 := strconv.Atoi(f[0])
		size, err2 := strconv.ParseInt(f[1], 10, 64)
		if err1 == nil && err2 == nil && n >= 1 && size >= 0 {
			return MessageInfo{Number: n, Size: size}, nil
		}
	}
	return MessageInfo{}, fmt.Errorf("malformed LIST entry")
}

// parseUIDEntry parses "n unique-id". The unique-id is everything after the
// separating blanks, trailing blanks removed, kept byte for byte even when it
// is over RFC 1939's 70 octets. An empty one, one over MaxUIDLength or one
// with bytes outside 0x21-0x7E is returned as Unusable.
func parseUIDEntry(s string) (UIDEntry, error) {
	s = strings.TrimLeft(s, " \t")
	i := strings.IndexAny(s, " \t")
	if i < 0 {
		return UIDEntry{}, errors.New("malformed UIDL entry (want number and unique-id)")
	}
	n, err := strconv.Atoi(s[:i])
	if err != nil || n < 1 {
		return UIDEntry{}, errors.New("malformed UIDL entry (bad message number)")
	}
	uid := strings.TrimRight(strings.TrimLeft(s[i:], " \t"), " \t")
	if why := uidProblem(uid); why != "" {
		return UIDEntry{Number: n, Unusable: why}, nil
	}
	return UIDEntry{Number: n, UID: uid}, nil
}

// uidProblem says what makes a unique-id unusable, or "".
func uidProblem(uid string) string {
	switch {
	case uid == "":
		return "an empty unique-id"
	case len(uid) > MaxUIDLength:
		return fmt.Sprintf("a %d-byte unique-id (limit %d)", len(uid), MaxUIDLength)
	}
	for i := 0; i < len(uid); i++ {
		if uid[i] < 0x21 || uid[i] > 0x7e {
			return fmt.Sprintf("a unique-id with byte 0x%02x (RFC 1939 allows 0x21-0x7E)", uid[i])
		}
	}
	return ""
}

// Retr sends RETR n and streams the message. Close (or read to EOF) before the
// next command; the next command drains an unfinished body.
func (c *Client) Retr(ctx context.Context, n int) (io.ReadCloser, error) {
	label := msgLabel("RETR", n)
	if err := checkMsg(label, n); err != nil {
		return nil, err
	}
	return c.multi(ctx, label, n, "RETR", strconv.Itoa(n))
}

// Top sends TOP n lines and streams the reply like Retr.
func (c *Client) Top(ctx context.Context, n, lines int) (io.ReadCloser, error) {
	label := msgLabel("TOP", n, lines)
	if err := checkMsg(label, n); err != nil {
		return nil, err
	}
	if lines < 0 {
		return nil, fmt.Errorf("pop3: %s: line count must be 0 or more", label)
	}
	return c.multi(ctx, label, n, "TOP", strconv.Itoa(n), strconv.Itoa(lines))
}

// multi runs a command whose reply is a message body.
func (c *Client) multi(ctx context.Context, label string, n int, verb string, args ...string) (io.ReadCloser, error) {
	line, err := command(verb, args...)
	if err != nil {
		return nil, err
	}
	if err := c.begin(ctx, label); err != nil {
		return nil, err
	}
	if _, err := c.roundTrip(label, line, line); err != nil {
		return nil, c.end(label, err)
	}
	c.trace.server("(message body, not traced)")
	c.startBody(label, verb, n)
	b := &body{c: c, label: label, d: newDotReader(c.br, MaxLineLength, c.bodyLimit(n))}
	b.d.finish = b.finish
	c.pending = b
	return b, nil
}

// startBody starts the clock of a RETR or TOP body: a RETR reply is
// expected to be its LIST size when known.
func (c *Client) startBody(label, verb string, n int) {
	var expect int64
	if verb == "RETR" {
		expect = c.sizes[n]
	}
	c.nio.startBody(label, expect)
}

// bodyLimit bounds the wire size of message n's reply: four times its LIST
// size plus 1 MiB when known (sizes are claims: line endings and stuffing
// may differ), and never more than MaxMessageSize.
func (c *Client) bodyLimit(n int) int64 {
	limit := c.opts.MaxMessageSize
	if size, ok := c.sizes[n]; ok && size < limit/4 {
		limit = min(limit, 4*size+1<<20)
	}
	return limit
}

// Dele sends DELE n. Nothing is deleted until Quit succeeds.
func (c *Client) Dele(ctx context.Context, n int) error {
	label := msgLabel("DELE", n)
	if err := checkMsg(label, n); err != nil {
		return err
	}
	_, err := c.simple(ctx, label, "", "DELE", strconv.Itoa(n))
	return err
}

// Noop sends NOOP.
func (c *Client) Noop(ctx context.Context) error {
	_, err := c.simple(ctx, "NOOP", "", "NOOP")
	return err
}

// Rset sends RSET: deletion marks of this session are dropped.
func (c *Client) Rset(ctx context.Context) error {
	_, err := c.simple(ctx, "RSET", "", "RSET")
	return err
}

// Quit sends QUIT and closes the connection. A nil error means the server
// answered +OK: in the TRANSACTION state, deletions are committed.
func (c *Client) Quit(ctx context.Context) error {
	_, err := c.simple(ctx, "QUIT", "", "QUIT")
	c.Close()
	return err
}

package pop3

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
)

// Bounds on what the server may send.
const (
	// MaxStatusLength bounds a status line (+OK/-ERR), an AUTH challenge and
	// each line of a CAPA, LIST or UIDL reply, line ending excluded. RFC 2449
	// allows 512 octets; the margin tolerates verbose servers.
	MaxStatusLength = 4096
	// MaxLineLength bounds one line of a RETR or TOP body, line ending
	// excluded. Longer lines (RFC 5322 allows 998 octets) are passed through
	// whole, never split.
	MaxLineLength = 1 << 20
	// MaxUIDLength bounds a unique-id (RFC 1939 says 70; real servers send
	// longer ones, which are kept as sent up to this length).
	MaxUIDLength = 512
	// MaxListEntries bounds the entries of a LIST or UIDL reply.
	MaxListEntries = 1 << 20
	// MaxListBytes bounds the total size of a CAPA, LIST or UIDL reply.
	MaxListBytes = 128 << 20
	// DefaultMaxMessageSize is the default Options.MaxMessageSize.
	DefaultMaxMessageSize = 1 << 30
)

// errNotStatus is a status line that is neither +OK nor -ERR. It does not
// quote the line: the caller does, with secrets redacted (Client.badReply).
var errNotStatus = errors.New("unexpected reply (want +OK or -ERR)")

// status is a parsed status line.
type status struct {
	ok   bool
	code string // extended response code of -ERR, upper case
	text string // raw text after the indicator (unsanitized)
}

// parseStatus parses a status line without its line ending. "+OK" and
// "-ERR" are matched case-insensitively and may stand alone (RFC 1957).
func parseStatus(line []byte) (status, error) {
	var st status
	var rest []byte
	switch {
	case hasIndicator(line, "+OK"):
		st.ok, rest = true, line[3:]
	case hasIndicator(line, "-ERR"):
		rest = line[4:]
	default:
		return st, errNotStatus
	}
	rest = bytes.TrimLeft(rest, " \t")
	if !st.ok {
		st.code, rest = parseCode(rest)
	}
	st.text = string(bytes.TrimRight(rest, " \t\r"))
	return st, nil
}

// hasIndicator reports whether line starts with ind followed by its end or
// a space or tab.
func hasIndicator(line []byte, ind string) bool {
	if len(line) < len(ind) || !bytes.EqualFold(line[:len(ind)], []byte(ind)) {
		return false
	}
	return len(line) == len(ind) || line[len(ind)] == ' ' || line[len(ind)] == '\t'
}

// parseCode splits an RFC 2449 "[CODE/SUB]" prefix off text.
func parseCode(text []byte) (code string, rest []byte) {
	if len(text) == 0 || text[0] != '[' {
		return "", text
	}
	end := bytes.IndexByte(text, ']')
	if end < 2 || end > 64 {
		return "", text
	}
	for _, ch := range text[1:end] {
		if !(ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '/' || ch == '_' || ch == '.') {
			return "", text
		}
	}
	return string(bytes.ToUpper(text[1:end])), bytes.TrimLeft(text[end+1:], " \t")
}

// trimEOL removes a trailing LF and the CR before it.
func trimEOL(line []byte) []byte {
	line = bytes.TrimSuffix(line, []byte("\n"))
	return bytes.TrimSuffix(line, []byte("\r"))
}

// readLine reads one line of at most limit bytes (line ending excluded),
// returned without its line ending. The slice is valid until the next read.
func (c *Client) readLine(limit int) ([]byte, error) {
	line, err := c.br.ReadSlice('\n')
	if err != nil {
		if errors.Is(err, bufio.ErrBufferFull) {
			return nil, fmt.Errorf("%w (over %d bytes)", ErrLineTooLong, limit)
		}
		return nil, err
	}
	line = trimEOL(line)
	if len(line) > limit {
		return nil, fmt.Errorf("%w (over %d bytes)", ErrLineTooLong, limit)
	}
	return line, nil
}

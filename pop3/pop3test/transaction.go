package pop3test

import (
	"fmt"
	"strconv"
	"strings"
)

// transaction answers a command in the TRANSACTION state.
func (s *session) transaction(verb, arg string, f Faults) error {
	cfg := s.srv.cfg
	switch verb {
	case "CAPA":
		s.capa(f)
	case "NOOP":
		s.reply(true, "")
	case "STAT":
		n, size := 0, int64(0)
		for i, e := range s.msgs {
			if !s.deleted[i+1] {
				n++
				size += e.size + f.ListSizeDelta
			}
		}
		s.reply(true, fmt.Sprintf("%d %d", n, size))
	case "LIST":
		s.list(verb, arg, func(n int, e *entry) string {
			return fmt.Sprintf("%d %d", n, e.size+f.ListSizeDelta)
		})
	case "UIDL":
		if cfg.NoUIDL {
			s.reply(false, "UIDL not supported")
			break
		}
		s.list(verb, arg, func(n int, e *entry) string {
			return fmt.Sprintf("%d %s", n, s.uid(n, f))
		})
	case "RETR":
		_, e, ok := s.message(arg)
		if !ok {
			break
		}
		if s.srv.cfg.Gmail {
			s.md.handOut(e.id)
		}
		s.reply(true, fmt.Sprintf("%d octets", e.size+f.ListSizeDelta))
		if err := s.data(e.msg.Data, f.DropRetrAfter); err != nil {
			s.flush()
			return errHangup
		}
		s.end(verb)
	case "TOP":
		if cfg.NoTOP {
			s.reply(false, "TOP not supported")
			break
		}
		num, rest, _ := strings.Cut(arg, " ")
		lines, err := strconv.Atoi(rest)
		if err != nil || lines < 0 {
			s.reply(false, "usage: TOP msg lines")
			break
		}
		_, e, ok := s.message(num)
		if !ok {
			break
		}
		s.reply(true, "top of message follows")
		s.data(top(e.msg.Data, lines), 0)
		s.end(verb)
	case "DELE":
		n, _, ok := s.message(arg)
		if !ok {
			break
		}
		s.deleted[n] = true
		s.reply(true, fmt.Sprintf("message %d deleted", n))
	case "RSET":
		clear(s.deleted)
		s.reply(true, fmt.Sprintf("maildrop has %d messages", len(s.msgs)))
	case "QUIT":
		s.update()
		return errHangup
	default:
		s.reply(false, "unknown command in TRANSACTION state")
	}
	return s.werr
}

// update commits the session's deletions (the RFC 1939 UPDATE state) and
// answers QUIT.
func (s *session) update() {
	ids := make(map[int64]bool, len(s.deleted))
	for n := range s.deleted {
		ids[s.msgs[n-1].id] = true
	}
	s.md.commit(ids)
	if s.locked {
		s.md.unlock()
		s.locked = false
	}
	left := len(s.msgs) - len(ids)
	s.reply(true, fmt.Sprintf("pop3test signing off (%d messages left)", left))
	s.flush()
}

// list answers LIST or UIDL: one line for arg, else a multi-line listing of
// the messages not deleted.
func (s *session) list(verb, arg string, format func(n int, e *entry) string) {
	if arg != "" {
		if n, e, ok := s.message(arg); ok {
			s.reply(true, format(n, e))
		}
		return
	}
	s.reply(true, "listing follows")
	for i, e := range s.msgs {
		if !s.deleted[i+1] {
			s.line(format(i+1, e))
		}
	}
	s.end(verb)
}

// message parses a message number and returns the message, or answers -ERR
// and reports false.
func (s *session) message(arg string) (int, *entry, bool) {
	n, err := strconv.Atoi(arg)
	switch {
	case err != nil || strings.HasPrefix(arg, "+"):
		s.reply(false, "invalid message number")
	case n < 1 || n > len(s.msgs):
		s.reply(false, fmt.Sprintf("no such message, only %d in maildrop", len(s.msgs)))
	case s.deleted[n]:
		s.reply(false, fmt.Sprintf("message %d already deleted", n))
	default:
		return n, s.msgs[n-1], true
	}
	return 0, nil, false
}

// uid is message n's UID as UIDL reports it, after the UID faults.
func (s *session) uid(n int, f Faults) string {
	uid := s.msgs[n-1].msg.UID
	if f.DuplicateUIDLs {
		uid = s.msgs[0].msg.UID
	}
	if n == f.BadUIDL {
		uid += "-" + strings.Repeat("x", 600)
	}
	if f.LongUIDLs > len(uid) {
		uid += "-" + strings.Repeat("x", f.LongUIDLs-len(uid)-1)
	}
	return uid
}

// top returns the start of a message: its header, the blank line after it
// and the first lines lines of its body.
func top(data []byte, lines int) []byte {
	rest := data
	for len(rest) > 0 { // the header, up to and with the blank line
		var line []byte
		line, rest = nextLine(rest)
		if len(line) == 0 {
			break
		}
	}
	for ; lines > 0 && len(rest) > 0; lines-- {
		_, rest = nextLine(rest)
	}
	return data[:len(data)-len(rest)]
}

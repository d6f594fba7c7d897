package pop3test

import (
	"bufio"
	"crypto/tls"
	"errors"
	"fmt"
	"net"
	"os"
	"strings"
	"time"
)

// errHangup ends a session on purpose (a fault, or a failed handshake).
var errHangup = errors.New("hang up")

// session is one client connection. A reader goroutine queues command lines;
// the session's own goroutine answers them in order.
type session struct {
	srv  *Server
	id   int
	raw  net.Conn
	conn net.Conn // raw, or TLS over raw
	w    *bufio.Writer
	q    *lineQueue

	resume     chan resumeMsg // tells the paused reader how to go on after STLS
	readerDone chan struct{}

	secure  bool
	user    string // from USER
	stamp   string // APOP timestamp of the greeting
	authed  bool
	md      *Maildrop
	locked  bool
	msgs    []*entry
	deleted map[int]bool // message numbers marked by DELE
	werr    error        // first write error
}

func newSession(srv *Server, conn net.Conn, id int) *session {
	return &session{
		srv:        srv,
		id:         id,
		raw:        conn,
		conn:       conn,
		w:          bufio.NewWriter(&trickler{srv: srv, w: conn}),
		q:          newLineQueue(),
		resume:     make(chan resumeMsg),
		readerDone: make(chan struct{}),
	}
}

// run serves the connection until QUIT, an error, a fault or Server.Close.
func (s *session) run() {
	r := bufio.NewReader(s.conn)
	defer s.hangup()
	if s.srv.cfg.Implicit {
		tc := tls.Server(s.raw, s.srv.cfg.TLS)
		s.raw.SetDeadline(time.Now().Add(30 * time.Second))
		if err := tc.Handshake(); err != nil {
			s.srv.logf("pop3test[%d]: TLS handshake: %v", s.id, err)
			close(s.readerDone)
			return
		}
		s.raw.SetDeadline(time.Time{})
		s.conn, s.secure = tc, true
		s.w = bufio.NewWriter(&trickler{srv: s.srv, w: tc})
		r = bufio.NewReader(tc)
	}
	go s.read(r)
	if err := s.greet(); err != nil {
		return
	}
	for s.werr == nil {
		if !s.q.pending() {
			if err := s.flush(); err != nil {
				return
			}
		}
		line, err := s.q.next()
		if err != nil {
			if errors.Is(err, errLineTooLong) {
				s.reply(false, "Line too long")
			}
			return
		}
		if err := s.command(line); err != nil {
			return
		}
	}
}

// lingerTimeout bounds how long a closing session waits for the client to
// close its side.
const lingerTimeout = 10 * time.Second

// hangup ends the session: it releases the maildrop without committing
// anything, and closes the connection gracefully (FIN, then waiting for the
// client to close while still reading), so replies already written reach
// the client even when it had pipelined more commands: closing a socket
// with unread input would send a reset that can destroy them.
func (s *session) hangup() {
	if s.locked {
		s.md.unlock()
		s.locked = false
	}
	s.raw.SetWriteDeadline(time.Now().Add(5 * time.Second)) // a client that stopped reading
	s.w.Flush()
	if tc, ok := s.conn.(*tls.Conn); ok {
		tc.CloseWrite() // close_notify
	}
	if tcp, ok := s.raw.(*net.TCPConn); ok {
		tcp.CloseWrite()
	}
	linger := time.NewTimer(lingerTimeout)
	defer linger.Stop()
	select {
	case <-s.readerDone:
	case <-s.srv.closing:
	case <-linger.C:
	case s.resume <- resumeMsg{stop: true}: // a reader paused after STLS
	}
	s.raw.Close()
	s.q.fail(errHangup) // a reader waiting for queue room gives up
	select {
	case s.resume <- resumeMsg{stop: true}: // a reader paused after STLS
		<-s.readerDone
	case <-s.readerDone:
	}
	s.srv.logf("pop3test[%d]: closed", s.id)
}

// read queues command lines until the connection fails. After an STLS line
// it waits for the session to hand it the reader of the new connection.
func (s *session) read(r *bufio.Reader) {
	defer close(s.readerDone)
	for {
		if idle := s.srv.cfg.IdleTimeout; idle > 0 {
			s.raw.SetReadDeadline(time.Now().Add(idle)) // then the session ends
		}
		line, err := readLine(r)
		if err != nil {
			s.q.fail(err)
			return
		}
		s.q.push(line)
		if isSTLS(line) {
			m := <-s.resume
			if m.stop {
				s.q.fail(errHangup)
				return
			}
			if m.r != nil {
				r = m.r
			}
		}
	}
}

// greet sends the greeting, honouring the Greeting, StallOn and Delay faults.
func (s *session) greet() error {
	f := s.srv.Faults()
	if strings.EqualFold(f.StallOn, "GREETING") {
		s.stall()
		return errHangup
	}
	if err := s.delay(f); err != nil {
		return err
	}
	if f.Greeting != "" {
		s.line(f.Greeting)
		if !strings.HasPrefix(f.Greeting, "+OK") {
			return errHangup
		}
		return s.werr
	}
	text := "pop3test ready."
	if s.srv.cfg.APOP {
		s.stamp = fmt.Sprintf("<%d.%d.%d@pop3test>", os.Getpid(), time.Now().UnixNano(), s.id)
		text += " " + s.stamp
	}
	s.reply(true, text)
	return s.werr
}

// stall answers nothing until the client goes away or the server closes.
func (s *session) stall() {
	s.flush()
	select {
	case <-s.readerDone:
	case <-s.srv.closing:
	}
}

// delay waits the Delay fault, cut short when the server closes.
func (s *session) delay(f Faults) error {
	if f.Delay <= 0 {
		return nil
	}
	if s.flush() != nil {
		return s.werr
	}
	t := time.NewTimer(f.Delay)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-s.srv.closing:
		return errHangup
	}
}

// eol is the line end the server sends.
func (s *session) eol() string {
	if s.srv.Faults().BareLF {
		return "\n"
	}
	return "\r\n"
}

// line writes one line and its line end.
func (s *session) line(text string) {
	if s.werr != nil {
		return
	}
	if _, err := s.w.WriteString(text + s.eol()); err != nil {
		s.werr = err
	}
}

// reply writes a status line: "+OK text" or "-ERR text".
func (s *session) reply(ok bool, text string) {
	if ok {
		if s.srv.Faults().NoText {
			text = ""
		}
		if text == "" {
			s.line("+OK")
		} else {
			s.line("+OK " + text)
		}
	} else {
		s.line("-ERR " + text)
	}
	s.srv.logf("pop3test[%d] S: ok=%v %s", s.id, ok, text)
}

// end terminates a multi-line reply with ".", or, under the EndlessOn fault,
// with filler lines that never stop.
func (s *session) end(verb string) {
	if strings.EqualFold(s.srv.Faults().EndlessOn, verb) {
		for i := 1; s.werr == nil; i++ {
			s.line(fmt.Sprintf("X-Endless-%d: this reply never ends", i))
		}
		return
	}
	s.line(".")
}

// data writes message data dot-stuffed, every line ending in CRLF (LF under
// BareLF), stopping after limit bytes when limit > 0 (the DropRetrAfter
// fault) and reporting errHangup.
func (s *session) data(data []byte, limit int) error {
	eol := s.eol()
	sent := 0
	for len(data) > 0 && s.werr == nil {
		var line []byte
		line, data = nextLine(data)
		chunk := make([]byte, 0, len(line)+3)
		if len(line) > 0 && line[0] == '.' {
			chunk = append(chunk, '.')
		}
		chunk = append(chunk, line...)
		chunk = append(chunk, eol...)
		if limit > 0 && sent+len(chunk) >= limit {
			s.w.Write(chunk[:limit-sent])
			return errHangup
		}
		sent += len(chunk)
		if _, err := s.w.Write(chunk); err != nil {
			s.werr = err
		}
	}
	return s.werr
}

func (s *session) flush() error {
	if s.werr == nil {
		s.werr = s.w.Flush()
	}
	return s.werr
}

// record logs a received command with its secrets redacted.
func (s *session) record(verb, arg string) {
	line := verb
	switch {
	case arg == "":
	case verb == "PASS":
		line += " ***"
	case verb == "APOP":
		name, _, _ := strings.Cut(arg, " ")
		line += " " + name + " ***"
	case verb == "AUTH":
		mech, _, hasIR := strings.Cut(arg, " ")
		line += " " + mech
		if hasIR {
			line += " ***"
		}
	default:
		line += " " + arg
	}
	s.srv.record(Command{Conn: s.id, Verb: verb, Line: line, TLS: s.secure})
	s.srv.logf("pop3test[%d] C: %s", s.id, line)
}

// command answers one command line.
func (s *session) command(line string) error {
	verb, arg := verbOf(line)
	s.record(verb, arg)
	f := s.srv.Faults()
	if f.StallOn != "" && strings.EqualFold(f.StallOn, verb) {
		if verb == "STLS" {
			s.resume <- resumeMsg{} // keep reading, to notice the client leave
		}
		s.stall()
		return errHangup
	}
	if err := s.delay(f); err != nil {
		if verb == "STLS" {
			s.resume <- resumeMsg{stop: true}
		}
		return err
	}
	if verb == "STLS" {
		return s.stls(f)
	}
	if s.authed {
		return s.transaction(verb, arg, f)
	}
	return s.authorization(verb, arg, f)
}

// stls upgrades the connection (RFC 2595) or refuses, then resumes the
// reader either way.
func (s *session) stls(f Faults) error {
	cfg := s.srv.cfg
	refuse := ""
	switch {
	case s.authed:
		refuse = "STLS only in the AUTHORIZATION state"
	case s.secure:
		refuse = "already using TLS"
	case cfg.TLS == nil:
		refuse = "STLS not available"
	case f.RefuseSTLS:
		refuse = "[SYS/TEMP] TLS is not available right now"
	}
	if refuse != "" {
		s.reply(false, refuse)
		s.resume <- resumeMsg{} // go on with the same connection
		return s.werr
	}
	s.reply(true, "Begin TLS negotiation")
	if f.InjectAfterSTLS != "" {
		s.w.WriteString(f.InjectAfterSTLS)
	}
	if s.flush() != nil {
		return s.werr
	}
	tc := tls.Server(s.raw, cfg.TLS)
	s.raw.SetDeadline(time.Now().Add(30 * time.Second))
	if err := tc.Handshake(); err != nil {
		s.srv.logf("pop3test[%d]: STLS handshake: %v", s.id, err)
		return errHangup // the deferred cleanup releases the reader
	}
	s.raw.SetDeadline(time.Time{})
	s.conn, s.secure = tc, true
	s.w = bufio.NewWriter(&trickler{srv: s.srv, w: tc})
	// Whatever the client sent after STLS in cleartext stays in the old
	// reader's buffer and is dropped with it (RFC 2595 section 3.1).
	s.resume <- resumeMsg{r: bufio.NewReader(tc)}
	return nil
}

// resumeMsg tells the reader, paused after an STLS line, how to go on: with
// the reader of the new TLS connection (r), the same one (r nil), or not at
// all (stop).
type resumeMsg struct {
	r    *bufio.Reader
	stop bool
}

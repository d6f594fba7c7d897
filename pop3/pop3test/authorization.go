package pop3test

import (
	"crypto/md5"
	"crypto/subtle"
	"encoding/hex"
	"fmt"
	"strings"
)

// authorization answers a command in the AUTHORIZATION state.
func (s *session) authorization(verb, arg string, f Faults) error {
	cfg := s.srv.cfg
	switch verb {
	case "USER", "PASS", "APOP", "AUTH":
		if cfg.RequireTLS && !s.secure {
			s.reply(false, "[AUTH] plaintext authentication disallowed on a connection without TLS")
			return s.werr
		}
	}
	switch verb {
	case "CAPA":
		s.capa(f)
	case "UTF8":
		if !cfg.UTF8 {
			s.reply(false, "UTF8 not supported")
			break
		}
		s.reply(true, "UTF8 enabled")
	case "USER":
		if cfg.NoUSER {
			s.reply(false, "USER not supported, use AUTH")
			break
		}
		if arg == "" {
			s.reply(false, "usage: USER name")
			break
		}
		s.user = arg
		s.reply(true, "send PASS")
	case "PASS":
		if s.user == "" {
			s.reply(false, "send USER first")
			break
		}
		user := s.user
		s.user = ""
		return s.login(user, f, s.checkPassword(user, arg))
	case "APOP":
		if !cfg.APOP || s.stamp == "" {
			s.reply(false, "APOP not supported")
			break
		}
		name, digest, _ := strings.Cut(arg, " ")
		return s.login(name, f, s.checkAPOP(name, digest))
	case "AUTH":
		return s.auth(arg, f)
	case "QUIT":
		s.reply(true, "pop3test signing off")
		s.flush()
		return errHangup
	default:
		s.reply(false, "unknown command in AUTHORIZATION state")
	}
	return s.werr
}

// checkPassword reports whether password is user's.
func (s *session) checkPassword(user, password string) bool {
	want, ok := s.srv.cfg.Users[s.srv.account(user)]
	return ok && subtle.ConstantTimeCompare([]byte(want), []byte(password)) == 1
}

// checkAPOP checks an APOP digest: MD5 of the greeting's timestamp and the
// password, in lower-case hex (RFC 1939 section 7).
func (s *session) checkAPOP(user, digest string) bool {
	want, ok := s.srv.cfg.Users[s.srv.account(user)]
	if !ok {
		return false
	}
	sum := md5.Sum([]byte(s.stamp + want))
	return subtle.ConstantTimeCompare([]byte(hex.EncodeToString(sum[:])), []byte(strings.ToLower(digest))) == 1
}

// login ends an authentication attempt: it answers -ERR for bad
// credentials, a LoginError fault or a locked maildrop, else enters the
// TRANSACTION state.
func (s *session) login(user string, f Faults, good bool) error {
	refusal := ""
	switch {
	case f.LoginError != "":
		refusal = f.LoginError
	case !good:
		refusal = "[AUTH] authentication failed"
	}
	md := s.srv.maildropFor(s.srv.account(user))
	if refusal == "" && !s.srv.cfg.NoLock {
		if !md.tryLock() {
			refusal = "[IN-USE] maildrop is locked by another session"
		} else {
			s.locked = true
		}
	}
	if refusal != "" {
		s.reply(false, refusal)
		if f.CloseAfterFailedLogin {
			s.flush()
			return errHangup
		}
		return s.werr
	}
	s.authed = true
	s.md = md
	s.msgs = s.srv.listed(md, user)
	s.deleted = make(map[int]bool)
	s.reply(true, fmt.Sprintf("logged in, %d messages", len(s.msgs)))
	return s.werr
}

// capa answers CAPA (RFC 2449) for the current state.
func (s *session) capa(f Faults) {
	cfg := s.srv.cfg
	if cfg.NoCAPA {
		s.reply(false, "unknown command")
		return
	}
	var caps []string
	add := func(c string) {
		name, _, _ := strings.Cut(c, " ")
		if !s.authed {
			for _, hidden := range cfg.CapaAfterAuthOnly {
				if strings.EqualFold(hidden, name) {
					return
				}
			}
		}
		caps = append(caps, c)
	}
	if !cfg.NoTOP {
		add("TOP")
	}
	if !cfg.NoUIDL {
		add("UIDL")
	}
	if !s.authed && (s.secure || !cfg.RequireTLS) {
		if !cfg.NoUSER {
			add("USER")
		}
		if len(cfg.SASL) > 0 {
			add("SASL " + strings.Join(cfg.SASL, " "))
		}
	}
	if !s.authed && cfg.TLS != nil && !s.secure {
		add("STLS")
	}
	if !cfg.NoPipelining {
		add("PIPELINING")
	}
	add("RESP-CODES")
	add("AUTH-RESP-CODE")
	if cfg.UTF8 {
		add("UTF8")
	}
	if cfg.ExpireDays != nil {
		if *cfg.ExpireDays < 0 {
			add("EXPIRE NEVER")
		} else {
			add(fmt.Sprintf("EXPIRE %d", *cfg.ExpireDays))
		}
	}
	if cfg.LoginDelay > 0 {
		add(fmt.Sprintf("LOGIN-DELAY %d", int(cfg.LoginDelay.Seconds())))
	}
	add("IMPLEMENTATION " + cfg.Implementation)
	s.reply(true, "capability list follows")
	for _, c := range caps {
		s.line(c)
	}
	s.end("CAPA")
}

package pop3test

import (
	"bytes"
	"crypto/hmac"
	"crypto/md5"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"strings"
	"time"
)

// errCancelled is a SASL exchange the client cancelled with "*" or spoiled
// with bad base64: answered -ERR, no login attempt counted.
var errCancelled = errors.New("authentication cancelled")

// auth runs a SASL exchange (RFC 5034). "AUTH" alone lists the mechanisms.
func (s *session) auth(arg string, f Faults) error {
	mech, ir, hasIR := strings.Cut(arg, " ")
	mech = strings.ToUpper(mech)
	if mech == "" {
		s.reply(true, "mechanisms follow")
		for _, m := range s.srv.cfg.SASL {
			s.line(m)
		}
		s.end("AUTH")
		return s.werr
	}
	if !s.offers(mech) {
		s.reply(false, "unsupported authentication mechanism")
		return s.werr
	}
	if hasIR && s.srv.cfg.NoInitialResponse {
		s.reply(false, "initial response not supported: wait for the challenge")
		return s.werr
	}
	var first []byte
	if hasIR && ir != "=" {
		b, err := base64.StdEncoding.DecodeString(ir)
		if err != nil {
			s.reply(false, "invalid base64 in the initial response")
			return s.werr
		}
		first = b
	}
	ex := exchange{s: s, first: first, hasFirst: hasIR}
	user, good, err := ex.run(mech)
	switch {
	case errors.Is(err, errCancelled):
		s.reply(false, "authentication cancelled")
		return s.werr
	case err != nil:
		return err
	}
	return s.login(user, f, good)
}

// offers reports whether mech is one of the configured SASL mechanisms.
func (s *session) offers(mech string) bool {
	for _, m := range s.srv.cfg.SASL {
		if strings.EqualFold(m, mech) {
			return true
		}
	}
	return false
}

// exchange is one SASL exchange: the initial response, then challenges.
type exchange struct {
	s        *session
	first    []byte
	hasFirst bool
}

// run checks the client's credentials for mech. It returns the user name
// and whether the credentials are good.
func (x *exchange) run(mech string) (user string, good bool, err error) {
	s := x.s
	switch mech {
	case "PLAIN": // RFC 4616: authzid NUL authcid NUL passwd
		resp, err := x.response("")
		if err != nil {
			return "", false, err
		}
		parts := strings.Split(string(resp), "\x00")
		if len(parts) != 3 {
			return "", false, nil
		}
		user = parts[1]
		return user, (parts[0] == "" || parts[0] == user) && s.checkPassword(user, parts[2]), nil
	case "LOGIN":
		name, err := x.response("Username:")
		if err != nil {
			return "", false, err
		}
		x.hasFirst = false
		pass, err := x.response("Password:")
		if err != nil {
			return "", false, err
		}
		return string(name), s.checkPassword(string(name), string(pass)), nil
	case "CRAM-MD5": // RFC 2195
		if x.hasFirst {
			return "", false, errCancelled
		}
		challenge := fmt.Sprintf("<%d.%d@pop3test>", os.Getpid(), time.Now().UnixNano())
		resp, err := x.response(challenge)
		if err != nil {
			return "", false, err
		}
		name, digest, _ := strings.Cut(string(resp), " ")
		want, ok := s.srv.cfg.Users[s.srv.account(name)]
		mac := hmac.New(md5.New, []byte(want))
		mac.Write([]byte(challenge))
		sum := hex.EncodeToString(mac.Sum(nil))
		return name, ok && subtle.ConstantTimeCompare([]byte(sum), []byte(digest)) == 1, nil
	case "XOAUTH2": // user=U ^A auth=Bearer T ^A ^A
		resp, err := x.response("")
		if err != nil {
			return "", false, err
		}
		fields := oauthFields(resp)
		return x.token(fields["user"], fields["auth"])
	case "OAUTHBEARER": // RFC 7628: gs2 header, then ^A key=value ^A ... ^A ^A
		resp, err := x.response("")
		if err != nil {
			return "", false, err
		}
		gs2, rest, _ := bytes.Cut(resp, []byte{1})
		for _, f := range strings.Split(string(gs2), ",") {
			if a, ok := strings.CutPrefix(f, "a="); ok {
				user = a
			}
		}
		fields := oauthFields(rest)
		if u, ok := fields["user"]; ok && user == "" {
			user = u
		}
		return x.token(user, fields["auth"])
	}
	return "", false, errCancelled
}

// token checks an OAuth2 bearer token. A refused token gets a JSON error
// challenge first, as Gmail and Outlook send, which the client must answer
// (with an empty line, or ^A for OAUTHBEARER) before the -ERR.
func (x *exchange) token(user, auth string) (string, bool, error) {
	tok, isBearer := strings.CutPrefix(auth, "Bearer ")
	want, ok := x.s.srv.cfg.Tokens[x.s.srv.account(user)]
	if isBearer && ok && subtle.ConstantTimeCompare([]byte(want), []byte(tok)) == 1 {
		return user, true, nil
	}
	x.hasFirst = false
	x.first = nil
	if _, err := x.response(`{"status":"401","schemes":"bearer","scope":"https://mail.example/"}`); err != nil && !errors.Is(err, errCancelled) {
		return "", false, err
	}
	return user, false, nil
}

// response returns the initial response if the client sent one, else sends
// the challenge ("+ " and base64) and reads the client's answer.
func (x *exchange) response(challenge string) ([]byte, error) {
	s := x.s
	if x.hasFirst {
		x.hasFirst = false
		return x.first, nil
	}
	if challenge == "" {
		s.line("+ ")
	} else {
		s.line("+ " + base64.StdEncoding.EncodeToString([]byte(challenge)))
	}
	if err := s.flush(); err != nil {
		return nil, err
	}
	line, err := s.q.next()
	if err != nil {
		return nil, err
	}
	if isSTLS(line) {
		s.resume <- resumeMsg{} // not a command here: keep reading
	}
	s.srv.logf("pop3test[%d] C: *** (SASL response)", s.id)
	if line == "*" {
		return nil, errCancelled
	}
	b, err := base64.StdEncoding.DecodeString(line)
	if err != nil {
		return nil, errCancelled
	}
	return b, nil
}

// oauthFields parses ^A-separated key=value pairs.
func oauthFields(b []byte) map[string]string {
	out := make(map[string]string)
	for _, kv := range strings.Split(string(b), "\x01") {
		if k, v, ok := strings.Cut(kv, "="); ok {
			out[k] = v
		}
	}
	return out
}

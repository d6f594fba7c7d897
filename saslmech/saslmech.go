// Package saslmech holds the SASL client mechanisms github.com/emersion/go-sasl
// lacks, as go-sasl clients, for every protocol popterm speaks (POP3's AUTH,
// RFC 5034, and SMTP's, RFC 4954): XOAUTH2 (Google's and Microsoft's OAuth 2.0
// mechanism) and CRAM-MD5 (RFC 2195).
package saslmech

import (
	"crypto/hmac"
	"crypto/md5"
	"encoding/hex"
	"errors"

	"github.com/emersion/go-sasl"
)

// Mechanism names go-sasl does not provide as constants.
const (
	CRAMMD5 = "CRAM-MD5"
	XOAUTH2 = "XOAUTH2"
)

// cramMD5Client is the RFC 2195 CRAM-MD5 mechanism: the answer to the
// server's challenge is the user name and the hex HMAC-MD5 of the challenge
// keyed with the password. It is legacy: use it only when the user names it.
type cramMD5Client struct {
	username, secret string
	answered         bool
}

// NewCRAMMD5Client returns a sasl.Client for CRAM-MD5 (RFC 2195).
func NewCRAMMD5Client(username, secret string) sasl.Client {
	return &cramMD5Client{username: username, secret: secret}
}

// Start begins CRAM-MD5, which has no initial response.
func (a *cramMD5Client) Start() (string, []byte, error) { return CRAMMD5, nil, nil }

// Next answers the single challenge.
func (a *cramMD5Client) Next(challenge []byte) ([]byte, error) {
	if a.answered {
		return nil, sasl.ErrUnexpectedServerChallenge
	}
	a.answered = true
	mac := hmac.New(md5.New, []byte(a.secret))
	mac.Write(challenge)
	return []byte(a.username + " " + hex.EncodeToString(mac.Sum(nil))), nil
}

// xoauth2Client is Google's and Microsoft's XOAUTH2 mechanism. On failure
// the server sends a JSON error as a challenge, which is answered with an
// empty response; the server then refuses the exchange.
type xoauth2Client struct {
	username, token string
	failed          bool
}

// NewXOAUTH2Client returns a sasl.Client for XOAUTH2.
func NewXOAUTH2Client(username, token string) sasl.Client {
	return &xoauth2Client{username: username, token: token}
}

// Start sends "user=U^Aauth=Bearer T^A^A" as the initial response.
func (a *xoauth2Client) Start() (string, []byte, error) {
	return XOAUTH2, []byte("user=" + a.username + "\x01auth=Bearer " + a.token + "\x01\x01"), nil
}

// Next acknowledges the server's error report with an empty response.
func (a *xoauth2Client) Next(challenge []byte) ([]byte, error) {
	if a.failed {
		return nil, errors.New("xoauth2: unexpected second challenge")
	}
	a.failed = true
	return []byte{}, nil
}

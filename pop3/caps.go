package pop3

import "time"

// Capabilities is a parsed CAPA reply (RFC 2449).
type Capabilities struct {
	Top, UIDL, User, Pipelining, RespCodes, AuthRespCode, STLS, UTF8 bool
	// SASL lists the mechanisms advertised, upper case.
	SASL []string
	// LoginDelay is the minimum time between logins, when advertised.
	LoginDelay    time.Duration
	HasLoginDelay bool
	// ExpireDays is the retention in days; ExpireNever when "NEVER". An
	// advertised EXPIRE 0 means the server deletes after RETR.
	ExpireDays  int
	HasExpire   bool
	ExpireNever bool
	// Implementation is the server's self-description (sanitized).
	Implementation string
	// Known reports whether CAPA answered at all.
	Known bool
}

// HasSASL reports whether mech is advertised (case-insensitive).
func (c *Capabilities) HasSASL(mech string) bool { panic("unimplemented") }

// ParseCapabilities parses the lines of a CAPA reply.
func ParseCapabilities(lines []string) *Capabilities { panic("unimplemented") }

package pop3

import (
	"strconv"
	"strings"
	"time"
)

// Capabilities is a parsed CAPA reply (RFC 2449).
type Capabilities struct {
	// Top, UIDL, User, Pipelining, RespCodes, AuthRespCode, STLS and UTF8
	// report whether the capability of that name was advertised.
	Top, UIDL, User, Pipelining, RespCodes, AuthRespCode, STLS, UTF8 bool
	// SASL lists the mechanisms advertised, upper case.
	SASL []string
	// LoginDelay is the minimum time between logins, when advertised
	// (HasLoginDelay).
	LoginDelay    time.Duration
	HasLoginDelay bool
	// ExpireDays is the retention in days when EXPIRE is advertised
	// (HasExpire); ExpireNever is set instead for "EXPIRE NEVER". An
	// advertised EXPIRE 0 means the server deletes after RETR.
	ExpireDays  int
	HasExpire   bool
	ExpireNever bool
	// Implementation is the server's self-description (sanitized).
	Implementation string
	// Known reports whether CAPA answered at all.
	Known bool
}

// Bounds of a capability set.
const (
	// MaxCapaLines is the most lines a CAPA reply may have.
	MaxCapaLines = 256
	// maxSASL is the most SASL mechanisms kept.
	maxSASL = 32
	// maxMechName is RFC 4422's bound on a mechanism name.
	maxMechName = 20
	// maxDelaySeconds caps LOGIN-DELAY (a year) so the Duration cannot overflow.
	maxDelaySeconds = 366 * 24 * 3600
	// maxExpireDays caps EXPIRE (a hundred years).
	maxExpireDays = 36600
)

// HasSASL reports whether mech is advertised (case-insensitive).
func (c *Capabilities) HasSASL(mech string) bool {
	for _, m := range c.SASL {
		if strings.EqualFold(m, mech) {
			return true
		}
	}
	return false
}

// ParseCapabilities parses the lines of a CAPA reply. Unknown or malformed
// lines are ignored; the result has Known set.
func ParseCapabilities(lines []string) *Capabilities {
	c := &Capabilities{Known: true}
	if len(lines) > MaxCapaLines {
		lines = lines[:MaxCapaLines]
	}
	for _, line := range lines {
		fields := strings.Fields(line)
		if len(fields) == 0 {
			continue
		}
		args := fields[1:]
		switch strings.ToUpper(fields[0]) {
		case "TOP":
			c.Top = true
		case "UIDL":
			c.UIDL = true
		case "USER":
			c.User = true
		case "PIPELINING":
			c.Pipelining = true
		case "RESP-CODES":
			c.RespCodes = true
		case "AUTH-RESP-CODE":
			c.AuthRespCode = true
		case "STLS":
			c.STLS = true
		case "UTF8":
			c.UTF8 = true
		case "SASL":
			for _, m := range args {
				c.addSASL(m)
			}
		case "LOGIN-DELAY":
			if secs, ok := parseBounded(args, maxDelaySeconds); ok {
				c.LoginDelay = time.Duration(secs) * time.Second
				c.HasLoginDelay = true
			}
		case "EXPIRE":
			if len(args) > 0 && strings.EqualFold(args[0], "NEVER") {
				c.HasExpire, c.ExpireNever, c.ExpireDays = true, true, 0
			} else if days, ok := parseBounded(args, maxExpireDays); ok {
				c.HasExpire, c.ExpireNever, c.ExpireDays = true, false, days
			}
		case "IMPLEMENTATION":
			impl := strings.TrimSpace(line)
			impl = strings.TrimSpace(impl[len(fields[0]):])
			c.Implementation = sanitize(impl, 200)
		}
	}
	return c
}

// addSASL keeps a well-formed mechanism name once, upper case.
func (c *Capabilities) addSASL(m string) {
	m = strings.ToUpper(m)
	if len(m) == 0 || len(m) > maxMechName || len(c.SASL) >= maxSASL || c.HasSASL(m) {
		return
	}
	for i := 0; i < len(m); i++ {
		ch := m[i]
		if !(ch >= 'A' && ch <= 'Z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '_') {
			return
		}
	}
	c.SASL = append(c.SASL, m)
}

// parseBounded reads the first argument as a non-negative decimal number no
// larger than max (larger values are clamped).
func parseBounded(args []string, max int) (int, bool) {
	if len(args) == 0 {
		return 0, false
	}
	s := args[0]
	if s == "" || len(s) > 40 {
		return 0, false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return 0, false
		}
	}
	v, err := strconv.Atoi(s)
	if err != nil || v > max {
		return max, true
	}
	return v, true
}

package message

import (
	"strings"
)

// maxAddresses bounds how many addresses one field yields.
const maxAddresses = 1000

// String gives "Name <addr>" or "addr". A display name that holds
// address syntax (an "@", angle brackets, commas...) is quoted as RFC 5322
// quotes it, so a name such as "PayPal <service@paypal.com>" can never pass
// for the real address that follows it.
func (a Address) String() string {
	switch {
	case a.Name == "":
		return a.Addr
	case a.Addr == "":
		return a.Name
	}
	return quoteDisplayName(a.Name) + " <" + a.Addr + ">"
}

// quoteDisplayName quotes name when it contains the RFC 5322 specials that
// could make it read as an address or as several; dots and parentheses,
// common in real names ("John Q. Public"), are left alone.
func quoteDisplayName(name string) string {
	if !strings.ContainsAny(name, `<>@,;:"\`) {
		return name
	}
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`)
	return `"` + r.Replace(name) + `"`
}

// parseAddressList parses an address list leniently (RFC 5322 with the
// usual breakage: unquoted specials in display names, encoded words inside
// quotes, raw 8-bit names, missing angle brackets, groups). Display names are
// decoded and everything is sanitized.
func parseAddressList(v string) []Address {
	v = toUTF8(v)
	var out []Address
	for _, item := range splitAddresses(v) {
		if a, ok := parseAddress(item); ok {
			out = append(out, a)
			if len(out) == maxAddresses {
				break
			}
		}
	}
	return out
}

// splitAddresses splits on commas and semicolons outside quotes, comments
// and angle brackets, and drops group names ("team: a@b, c@d;").
func splitAddresses(v string) []string {
	var items []string
	var cur strings.Builder
	inQuote, inAngle, comment := false, false, 0
	sawAddr := false // cur has "@" or "<" (so ":" is not a group name)
	for i := 0; i < len(v); i++ {
		c := v[i]
		switch {
		case c == '\\' && (inQuote || comment > 0) && i+1 < len(v):
			cur.WriteByte(c)
			i++
			c = v[i]
		case inQuote:
			if c == '"' {
				inQuote = false
			}
		case comment > 0:
			if c == '(' {
				comment++
			} else if c == ')' {
				comment--
			}
		case c == '"':
			inQuote = true
		case c == '(':
			comment++
		case c == '<':
			inAngle, sawAddr = true, true
		case c == '@':
			sawAddr = true
		case c == '>':
			inAngle = false
		case !inAngle && (c == ',' || c == ';'):
			items = append(items, cur.String())
			cur.Reset()
			sawAddr = false
			continue
		case !inAngle && c == ':' && !sawAddr:
			cur.Reset() // a group name
			continue
		}
		cur.WriteByte(c)
	}
	return append(items, cur.String())
}

// parseAddress parses one mailbox.
func parseAddress(item string) (Address, bool) {
	item = strings.TrimSpace(item)
	if item == "" {
		return Address{}, false
	}
	var name, addr, comment string
	if i := strings.LastIndexByte(item, '<'); i >= 0 {
		rest := item[i+1:]
		if j := strings.IndexByte(rest, '>'); j >= 0 {
			addr = rest[:j]
			name = item[:i] + " " + rest[j+1:]
		} else {
			addr = rest
			name = item[:i]
		}
	} else {
		name, comment = stripComments(item)
		if strings.Contains(name, "@") {
			addr, name = name, comment
		}
	}
	name, c2 := stripComments(name)
	if strings.TrimSpace(name) == "" {
		name = c2
	}
	a := Address{Name: cleanName(name), Addr: cleanAddr(addr)}
	if a.Addr == "" && a.Name == "" {
		return Address{}, false
	}
	if strings.EqualFold(a.Name, a.Addr) {
		a.Name = ""
	}
	return a, true
}

// stripComments removes (comments) outside quotes and returns the rest and
// the text of the first comment.
func stripComments(s string) (rest, first string) {
	if !strings.Contains(s, "(") {
		return s, ""
	}
	var b, c strings.Builder
	depth, inQuote, seen := 0, false, false
	for i := 0; i < len(s); i++ {
		ch := s[i]
		switch {
		case inQuote:
			if ch == '"' {
				inQuote = false
			} else if ch == '\\' && i+1 < len(s) {
				b.WriteByte(ch)
				i++
				ch = s[i]
			}
			b.WriteByte(ch)
		case depth > 0:
			switch ch {
			case '(':
				depth++
			case ')':
				depth--
				if depth == 0 {
					seen = true
					continue
				}
			}
			if !seen {
				c.WriteByte(ch)
			}
		case ch == '(':
			depth++
		default:
			if ch == '"' {
				inQuote = true
			}
			b.WriteByte(ch)
		}
	}
	return b.String(), c.String()
}

// cleanName unquotes a display name, decodes encoded words (also inside
// quotes, which RFC 2047 forbids but mailers do) and sanitizes it.
func cleanName(name string) string {
	name = strings.TrimSpace(name)
	var b strings.Builder
	for i := 0; i < len(name); i++ {
		c := name[i]
		switch {
		case c == '\\' && i+1 < len(name):
			i++
			b.WriteByte(name[i])
		case c == '"':
		default:
			b.WriteByte(c)
		}
	}
	n := decodeText(b.String())
	return strings.Trim(n, " '")
}

// cleanAddr trims an addr-spec and removes what cannot be part of one.
func cleanAddr(addr string) string {
	addr = strings.TrimSpace(addr)
	addr = strings.TrimPrefix(addr, "mailto:")
	addr = strings.Trim(addr, "<>\"' ")
	addr = SanitizeLine(decodeWords(addr))
	return strings.Join(strings.Fields(addr), "")
}

// SenderLabel is the short form of a sender for a one-line listing, given
// the formatted address (as String gives it) and the display name: the name,
// else the address. A display name that itself looks like an address
// ("PayPal <service@paypal.com>") is a classic spoof, so the real address is
// given instead.
func SenderLabel(from, name string) string {
	if name == "" {
		return from
	}
	if strings.Contains(name, "@") {
		if i := strings.LastIndexByte(from, '<'); i >= 0 && strings.HasSuffix(from, ">") {
			return from[i+1 : len(from)-1]
		}
	}
	return name
}

package compose

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"

	gomail "github.com/emersion/go-message/mail"
)

// ErrUnchanged is returned by ParseEdited when the body was not edited: the
// user cancelled (as mutt aborts an unmodified message).
var ErrUnchanged = errors.New("compose: the message was not changed, so it was not sent")

// EditText is the text the user edits: To, Cc, Bcc and Subject lines, an
// empty line, then the body. Addresses are written readably (display names
// not encoded).
func EditText(d *Draft) string {
	var b strings.Builder
	b.WriteString("To: " + FormatAddresses(d.To) + "\n")
	b.WriteString("Cc: " + FormatAddresses(d.Cc) + "\n")
	b.WriteString("Bcc: " + FormatAddresses(d.Bcc) + "\n")
	b.WriteString("Subject: " + oneLine(d.Subject) + "\n\n")
	b.WriteString(d.Body)
	return b.String()
}

// FormatAddresses writes an address list for people: `Name <addr>` with the
// name quoted when it holds specials, not RFC 2047-encoded.
func FormatAddresses(l []*mail.Address) string {
	s := make([]string, 0, len(l))
	for _, a := range l {
		if a == nil {
			continue
		}
		name := oneLine(a.Name)
		switch {
		case name == "":
			s = append(s, a.Address)
		case strings.ContainsAny(name, `()<>[]:;@\,."`):
			s = append(s, `"`+strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(name)+`" <`+a.Address+">")
		default:
			s = append(s, name+" <"+a.Address+">")
		}
	}
	return strings.Join(s, ", ")
}

// ParseAddresses parses a comma-separated address list as people type it
// (UTF-8 display names allowed); an empty string is an empty list.
func ParseAddresses(s string) ([]*mail.Address, error) {
	if strings.TrimSpace(strings.Trim(s, " ,")) == "" {
		return nil, nil
	}
	l, err := gomail.ParseAddressList(s)
	if err != nil {
		return nil, fmt.Errorf("%q: %w", s, err)
	}
	for _, a := range l {
		if !validAddr(a.Address) {
			return nil, fmt.Errorf("%q is not a valid address", a.Address)
		}
	}
	return l, nil
}

// ParseEdited reads the text the user edited from EditText(before) and
// returns the new draft: the header lines replace To, Cc, Bcc and Subject
// (lines starting with a space continue the previous one), the rest is the
// body; everything else of before is kept. It returns ErrUnchanged when the
// body is the same as before's, and a one-line error naming the field when
// a header line is wrong.
func ParseEdited(before *Draft, text string) (*Draft, error) {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	d := *before
	head, body, found := strings.Cut(text, "\n\n")
	if !found {
		head, body = strings.TrimSuffix(text, "\n"), ""
	}
	var fields [][2]string
	for _, line := range strings.Split(head, "\n") {
		if (strings.HasPrefix(line, " ") || strings.HasPrefix(line, "\t")) && len(fields) > 0 {
			fields[len(fields)-1][1] += " " + strings.TrimSpace(line)
			continue
		}
		key, value, ok := strings.Cut(line, ":")
		if !ok {
			return nil, fmt.Errorf("compose: header line %q has no colon: keep To, Cc, Bcc and Subject lines above an empty line, then the body", oneLine(line))
		}
		fields = append(fields, [2]string{strings.TrimSpace(key), strings.TrimSpace(value)})
	}
	d.To, d.Cc, d.Bcc = nil, nil, nil
	for _, f := range fields {
		var dst *[]*mail.Address
		switch strings.ToLower(f[0]) {
		case "to":
			dst = &d.To
		case "cc":
			dst = &d.Cc
		case "bcc":
			dst = &d.Bcc
		case "subject":
			d.Subject = f[1]
			continue
		default:
			return nil, fmt.Errorf("compose: unknown header %q: only To, Cc, Bcc and Subject can be edited", oneLine(f[0]))
		}
		l, err := ParseAddresses(f[1])
		if err != nil {
			return nil, fmt.Errorf("compose: %s: %w", f[0], err)
		}
		*dst = append(*dst, l...)
	}
	d.Body = body
	if strings.TrimRight(body, "\n ") == strings.TrimRight(before.Body, "\n ") {
		return &d, ErrUnchanged
	}
	return &d, nil
}

// oneLine replaces line breaks with spaces.
func oneLine(s string) string {
	return strings.Join(strings.Fields(strings.ReplaceAll(strings.ReplaceAll(s, "\r", " "), "\n", " ")), " ")
}

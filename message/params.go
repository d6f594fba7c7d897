package message

import (
	"net/url"
	"sort"
	"strconv"
	"strings"
)

// maxParams bounds the parameters read from one field.
const maxParams = 100

// parseMediaType parses a Content-Type or Content-Disposition value leniently:
// the lower-cased type, and its parameters with lower-cased names and decoded
// values. RFC 2231 continuations and charsets (any charset this package
// knows) and RFC 2047 words in values (against the rules, common in the wild)
// are decoded; unquoted values with spaces, duplicates and a missing "="
// are tolerated. Values are not sanitized.
func parseMediaType(v string) (string, map[string]string) {
	v = toUTF8(v)
	parts := splitParams(v)
	mt := strings.ToLower(strings.TrimSpace(parts[0]))
	if i := strings.IndexAny(mt, " \t"); i >= 0 {
		mt = mt[:i]
	}
	params := map[string]string{}
	type piece struct {
		n       int
		value   string
		encoded bool
	}
	continued := map[string][]piece{}
	for _, p := range parts[1:] {
		k, val, ok := strings.Cut(p, "=")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		val = unquote(strings.TrimSpace(val))
		if k == "" || len(params)+len(continued) >= maxParams {
			continue
		}
		encoded := strings.HasSuffix(k, "*")
		k = strings.TrimSuffix(k, "*")
		if name, num, ok := strings.Cut(k, "*"); ok {
			if n, err := strconv.Atoi(num); err == nil && n >= 0 && n < 1000 {
				continued[name] = append(continued[name], piece{n, val, encoded})
				continue
			}
		}
		if encoded {
			val = decode2231(val, true)
		}
		if _, dup := params[k]; !dup || encoded {
			params[k] = val
		}
	}
	for name, pieces := range continued {
		sort.SliceStable(pieces, func(i, j int) bool { return pieces[i].n < pieces[j].n })
		// The charset is named in the first encoded piece; later encoded
		// pieces are percent-encoded bytes in that charset.
		var raw []byte
		charset := ""
		for i, p := range pieces {
			if p.encoded {
				s := p.value
				if i == 0 {
					cs, rest, ok := cut2231(s)
					if ok {
						charset, s = cs, rest
					}
				}
				raw = append(raw, unescapePercent(s)...)
			} else {
				raw = append(raw, p.value...)
			}
		}
		params[name] = decodeParamBytes(raw, charset)
	}
	for k, val := range params {
		params[k] = decodeWords(val)
	}
	return mt, params
}

// splitParams splits on semicolons outside quotes.
func splitParams(v string) []string {
	var parts []string
	inQuote, start := false, 0
	for i := 0; i < len(v); i++ {
		switch c := v[i]; {
		case c == '\\' && inQuote:
			i++
		case c == '"':
			inQuote = !inQuote
		case c == ';' && !inQuote:
			parts = append(parts, v[start:i])
			start = i + 1
		}
	}
	return append(parts, v[start:])
}

// unquote removes surrounding quotes and backslash escapes. Backslashes
// in Windows paths inside unquoted values are kept.
func unquote(s string) string {
	if len(s) < 2 || s[0] != '"' {
		return s
	}
	s = strings.TrimSuffix(s[1:], `"`)
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) {
			i++
		}
		b.WriteByte(s[i])
	}
	return b.String()
}

// cut2231 splits "charset'lang'value".
func cut2231(s string) (charset, value string, ok bool) {
	parts := strings.SplitN(s, "'", 3)
	if len(parts) != 3 {
		return "", s, false
	}
	return parts[0], parts[2], true
}

// decode2231 decodes a single RFC 2231 extended value.
func decode2231(s string, withCharset bool) string {
	charset := ""
	if withCharset {
		if cs, rest, ok := cut2231(s); ok {
			charset, s = cs, rest
		}
	}
	return decodeParamBytes(unescapePercent(s), charset)
}

// decodeParamBytes converts parameter bytes from charset (undeclared: UTF-8
// or a guess) to UTF-8.
func decodeParamBytes(b []byte, charset string) string {
	text, _ := decodeCharset(b, charset)
	return text
}

// unescapePercent decodes %XX escapes; a broken escape is kept.
func unescapePercent(s string) []byte {
	if !strings.Contains(s, "%") {
		return []byte(s)
	}
	if u, err := url.PathUnescape(s); err == nil {
		return []byte(u)
	}
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			out = append(out, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		out = append(out, s[i])
	}
	return out
}

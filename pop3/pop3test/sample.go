package pop3test

import (
	"embed"
	"io/fs"
	"path"
	"strings"
)

//go:embed sample/*.eml
var sampleFS embed.FS

// SampleMessages returns the built-in demo mailbox, oldest first: realistic
// messages in several languages and charsets (English, a reply thread,
// Korean in ks_c_5601-1987, Japanese in ISO-2022-JP, German and French in
// windows-1252 and iso-8859-1 quoted-printable with curly quotes, Chinese
// and emoji in UTF-8), an HTML-only newsletter with links and a remote
// image, a multipart/alternative message, attachments (a PDF with a
// non-ASCII RFC 2231 file name and a PNG), a forwarded message/rfc822, a
// format=flowed message, a long message, and one hostile message (terminal
// escapes, OSC 52, a bidi override, a spoofed display name) that a safe
// reader must show inertly. Each UID is the file's base name, e.g.
// "sample-05-korean". The result is a fresh copy on every call.
func SampleMessages() []Message {
	names, err := fs.Glob(sampleFS, "sample/*.eml")
	if err != nil {
		panic(err) // the pattern is constant and valid
	}
	msgs := make([]Message, 0, len(names)) // Glob sorts: oldest first
	for _, name := range names {
		data, err := sampleFS.ReadFile(name)
		if err != nil {
			panic(err) // embedded files are always readable
		}
		uid := "sample-" + strings.TrimSuffix(path.Base(name), ".eml")
		msgs = append(msgs, Message{UID: uid, Data: data})
	}
	return msgs
}

package pop3test

import (
	"io"
	"strings"
	"testing"
	"time"

	_ "github.com/emersion/go-message/charset"
	"github.com/emersion/go-message/mail"
)

// Every sample message parses, decodes to the expected subject, and the
// dates run oldest first.
func TestSampleMessages(t *testing.T) {
	msgs := SampleMessages()
	if len(msgs) < 15 {
		t.Fatalf("%d sample messages, want at least 15", len(msgs))
	}
	subjects := map[string]string{
		"sample-05-korean":     "다음 주 회의 일정 안내",
		"sample-06-japanese":   "お見積もりの件",
		"sample-07-german":     "Rückmeldung zum Angebot \u201eWartung 2027\u201c",
		"sample-15-utf8-emoji": "旅行照片 🏔️ Photos from the trip",
	}
	var last time.Time
	uids := map[string]bool{}
	for _, m := range msgs {
		if uids[m.UID] {
			t.Errorf("duplicate UID %s", m.UID)
		}
		uids[m.UID] = true
		r, err := mail.CreateReader(strings.NewReader(string(m.Data)))
		if err != nil {
			t.Errorf("%s: %v", m.UID, err)
			continue
		}
		subj, err := r.Header.Subject()
		if err != nil {
			t.Errorf("%s: subject: %v", m.UID, err)
		}
		if want, ok := subjects[m.UID]; ok && subj != want {
			t.Errorf("%s: subject %q, want %q", m.UID, subj, want)
		}
		date, err := r.Header.Date()
		if err != nil || date.Before(last) {
			t.Errorf("%s: date %v (err %v) is not after %v", m.UID, date, err, last)
		}
		last = date
		parts := 0
		for {
			p, err := r.NextPart()
			if err == io.EOF {
				break
			}
			if err != nil {
				t.Errorf("%s: part %d: %v", m.UID, parts, err)
				break
			}
			if _, err := io.ReadAll(p.Body); err != nil {
				t.Errorf("%s: part %d body: %v", m.UID, parts, err)
			}
			if h, ok := p.Header.(*mail.AttachmentHeader); ok {
				name, err := h.Filename()
				if err != nil || name == "" {
					t.Errorf("%s: attachment name %q: %v", m.UID, name, err)
				}
				if strings.HasSuffix(name, ".pdf") && name != "Quartalsübersicht Q3 – Entwurf.pdf" {
					t.Errorf("%s: RFC 2231 name decoded as %q", m.UID, name)
				}
			}
			parts++
		}
		if parts == 0 {
			t.Errorf("%s: no parts", m.UID)
		}
	}
	msgs[0].Data[0] = 'X'
	if SampleMessages()[0].Data[0] == 'X' {
		t.Error("SampleMessages shares its bytes between calls")
	}
}

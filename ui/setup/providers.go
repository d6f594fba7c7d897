package setup

import (
	"strconv"
	"strings"

	"github.com/popterm/popterm/config"
)

// Provider is what the form guesses from an address's domain.
type Provider struct {
	Host string
	Port int
	TLS  string
	// Note is shown under the form (app passwords, OAuth2, enabling POP).
	Note string
	// NoPOP is set for providers that offer no POP3 at all.
	NoPOP bool
	// Alternatives are further hosts to try when Host does not resolve
	// (for guessed, not well-known, domains).
	Alternatives []string
	// Known is set for a provider from the table.
	Known bool
	// OAuth2 is the built-in sign-in the provider takes (config.OAuth2Google,
	// config.OAuth2Microsoft), or "".
	OAuth2 string
	// PasswordRefused is set when the provider accepts only OAuth 2.0.
	PasswordRefused bool
}

// wellKnown lists POP3 servers of common providers by domain.
func wellKnown() map[string]Provider {
	const appPw = "uses an app password (or OAuth2) and POP enabled in its web settings"
	gmail := Provider{Host: "pop.gmail.com", Note: "Gmail: enable POP in Gmail's settings; OAuth 2.0 sign-in is preferred (popterm account add --oauth2 google, docs/config.md), else an app password (2-step verification on)."}
	gmail.OAuth2 = config.OAuth2Google
	ms := Provider{Host: "outlook.office365.com", OAuth2: config.OAuth2Microsoft, PasswordRefused: true, Note: "Microsoft accepts only OAuth 2.0 for POP (passwords are refused): popterm account add --oauth2 microsoft --oauth2-client-id ID, then popterm account login NAME (docs/config.md)."}
	yahoo := Provider{Host: "pop.mail.yahoo.com", Note: "Yahoo " + appPw + "."}
	icloud := Provider{NoPOP: true, Note: "iCloud Mail offers IMAP only, no POP3: popterm cannot read it."}
	proton := Provider{NoPOP: true, Note: "Proton Mail offers no POP3 (its Bridge speaks IMAP only)."}
	gmx := Provider{Host: "pop.gmx.net", Note: "GMX: enable POP3 access in the web settings first."}
	mailru := Provider{Host: "pop.mail.ru", Note: "Mail.ru " + appPw + "."}
	yandex := Provider{Host: "pop.yandex.com", Note: "Yandex " + appPw + "."}
	daum := Provider{Host: "pop.daum.net", Note: "Daum: enable POP3 in the mail settings."}
	fastmail := Provider{Host: "pop.fastmail.com", Note: "Fastmail uses an app password."}
	m := map[string]Provider{
		"gmail.com": gmail, "googlemail.com": gmail,
		"outlook.com": ms, "hotmail.com": ms, "live.com": ms, "msn.com": ms,
		"yahoo.com": yahoo, "ymail.com": yahoo, "rocketmail.com": yahoo,
		"aol.com":    {Host: "pop.aol.com", Note: "AOL uses an app password."},
		"icloud.com": icloud, "me.com": icloud, "mac.com": icloud,
		"proton.me": proton, "protonmail.com": proton, "pm.me": proton,
		"gmx.net": gmx, "gmx.de": gmx, "gmx.at": gmx, "gmx.ch": gmx,
		"gmx.com":      {Host: "pop.gmx.com", Note: gmx.Note},
		"web.de":       {Host: "pop3.web.de", Note: "WEB.DE: enable POP3 access in the web settings first."},
		"t-online.de":  {Host: "securepop.t-online.de"},
		"fastmail.com": fastmail, "fastmail.fm": fastmail,
		"zoho.com": {Host: "pop.zoho.com", Note: "Zoho: enable POP access in the mail settings."},
		"mail.ru":  mailru, "inbox.ru": mailru, "list.ru": mailru, "bk.ru": mailru,
		"yandex.ru": yandex, "yandex.com": yandex, "ya.ru": yandex,
		"naver.com": {Host: "pop.naver.com", Note: "Naver: enable POP3 in the mail settings."},
		"daum.net":  daum, "hanmail.net": daum,
		"qq.com":      {Host: "pop.qq.com", Note: "QQ Mail uses an authorization code as the password."},
		"163.com":     {Host: "pop.163.com", Note: "163 uses an authorization code as the password."},
		"126.com":     {Host: "pop.126.com", Note: "126 uses an authorization code as the password."},
		"orange.fr":   {Host: "pop.orange.fr"},
		"free.fr":     {Host: "pop.free.fr"},
		"libero.it":   {Host: "popmail.libero.it"},
		"posteo.de":   {Host: "posteo.de"},
		"mailbox.org": {Host: "pop3.mailbox.org"},
		"seznam.cz":   {Host: "pop3.seznam.cz"},
		"wp.pl":       {Host: "pop3.wp.pl"},
		"interia.pl":  {Host: "poczta.interia.pl"},
		"comcast.net": {Host: "mail.comcast.net"},
	}
	for d, p := range m {
		if !p.NoPOP {
			p.Port, p.TLS = config.PortImplicit, config.TLSImplicit
		}
		p.Known = true
		m[d] = p
	}
	return m
}

// Guess returns the POP3 server to try for an email address: a well-known
// provider's, else pop.<domain> (then mail.<domain>) with implicit TLS; for
// a one-label domain (alice@localhost) the domain itself.
func Guess(email string) Provider {
	_, domain, ok := strings.Cut(strings.TrimSpace(email), "@")
	domain = strings.TrimSuffix(strings.ToLower(domain), ".")
	if !ok || domain == "" || strings.ContainsAny(domain, "@ /") {
		return Provider{Port: config.PortImplicit, TLS: config.TLSImplicit}
	}
	if p, ok := wellKnown()[domain]; ok {
		return p
	}
	if !strings.Contains(domain, ".") {
		// alice@localhost, a name on a local network: the server is the
		// host itself.
		return Provider{Host: domain, Port: config.PortImplicit, TLS: config.TLSImplicit,
			Note: "Guessed from the address: the server is " + domain + " itself; tab on the form's fields to change it."}
	}
	return Provider{
		Host:         "pop." + domain,
		Port:         config.PortImplicit,
		TLS:          config.TLSImplicit,
		Alternatives: []string{"mail." + domain},
		Note:         "Guessed from the domain; check your provider's POP3 settings if the test fails.",
	}
}

// SuggestName proposes an unused account name for an address: the domain's
// first label (e.g. "gmail"), else the whole address made safe, numbered
// when taken.
func SuggestName(email string, taken []string) string {
	_, domain, _ := strings.Cut(strings.TrimSpace(email), "@")
	label, _, _ := strings.Cut(strings.ToLower(domain), ".")
	base := config.SafeName(label)
	if label == "" {
		base = "mail"
	}
	used := map[string]bool{}
	for _, n := range taken {
		used[n] = true
	}
	name := base
	for i := 2; used[name]; i++ {
		name = base + "-" + strconv.Itoa(i)
	}
	return name
}

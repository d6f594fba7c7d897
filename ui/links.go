package ui

import (
	"fmt"
	"net/url"
	"strconv"
	"strings"

	tea "charm.land/bubbletea/v2"

	"github.com/popterm/popterm/message"
)

// askLink asks for the number of a link of the shown message (o); links
// are never opened automatically.
func (m App) askLink() (tea.Model, tea.Cmd) {
	msg := m.pager.Message()
	if msg == nil || len(msg.Links) == 0 {
		m.status.Notify("This message has no numbered links.")
		return m, nil
	}
	m.prompt = ask(promptLink, fmt.Sprintf("Open link (1-%d): ", len(msg.Links)), "", m.width)
	return m, nil
}

// openLink opens link number text of the shown message with open_cmd,
// after checking that it is a web or mail link.
func (m App) openLink(text string) (tea.Model, tea.Cmd) {
	msg := m.pager.Message()
	if msg == nil || text == "" {
		return m, nil
	}
	n, err := strconv.Atoi(text)
	var link *message.Link
	for i := range msg.Links {
		if msg.Links[i].Number == n {
			link = &msg.Links[i]
		}
	}
	if err != nil || link == nil {
		m.status.Fail(fmt.Sprintf("There is no link %s: the links are numbered [1] to [%d].", message.SanitizeLine(text), len(msg.Links)))
		return m, nil
	}
	if why := refuseLink(link.URL); why != "" {
		m.status.Fail(fmt.Sprintf("Link %d is not opened: %s", n, why))
		return m, nil
	}
	m.status.Notify("Opening link " + strconv.Itoa(n) + "…")
	return m, tea.ExecProcess(openerCommand(m.opts.UI.OpenCmd, link.URL), func(err error) tea.Msg {
		return openerDoneMsg{err: err}
	})
}

// refuseLink says why a link must not be handed to the opener, or "": only
// http, https and mailto links open; file:, smb: and UNC paths (\\host or
// //host), which reach local or network files, are refused, as is anything
// with spaces or control characters.
func refuseLink(raw string) string {
	if raw == "" || strings.ContainsFunc(raw, func(r rune) bool { return r <= ' ' || r == 0x7f || (r >= 0x80 && r < 0xa0) }) {
		return "it contains spaces or control characters."
	}
	if strings.HasPrefix(raw, `\\`) || strings.HasPrefix(raw, "//") {
		return "it is a network (UNC) path, which could reach files on other machines."
	}
	u, err := url.Parse(raw)
	if err != nil {
		return "it is not a valid URL."
	}
	switch strings.ToLower(u.Scheme) {
	case "http", "https", "mailto":
		return ""
	case "file":
		return "file: links open local files; copy it by hand if you trust it."
	case "smb", "cifs", "nfs":
		return u.Scheme + ": links reach network shares; copy it by hand if you trust it."
	case "":
		return "it has no scheme (http, https or mailto)."
	}
	return "only http, https and mailto links are opened, not " + message.SanitizeLine(u.Scheme) + ":."
}

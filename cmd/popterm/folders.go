package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"strings"
	"text/tabwriter"
	"time"

	"github.com/popterm/popterm/cache"
	"github.com/popterm/popterm/config"
	"github.com/popterm/popterm/message"
)

// folderNames maps --folder values to the store's local folders ("inbox"
// is the POP3 mail, listed from the index).
var folderNames = map[string]cache.Folder{"sent": cache.Sent, "drafts": cache.Drafts, "outbox": cache.Outbox}

// folderFlagHelp documents --folder.
const folderFlagHelp = "inbox (the default), sent, drafts or outbox"

// localFolder returns the local folder --folder names; inbox is false.
func localFolder(name string) (cache.Folder, bool, error) {
	switch n := strings.ToLower(strings.TrimSpace(name)); n {
	case "", "inbox":
		return "", false, nil
	default:
		if f, ok := folderNames[n]; ok {
			return f, true, nil
		}
	}
	return "", false, fmt.Errorf("--folder: expected %s, got %q", folderFlagHelp, message.SanitizeLine(name))
}

// jsonFolderMessage is one element of `popterm list --folder F --json`.
type jsonFolderMessage struct {
	ID      string   `json:"id"`
	From    string   `json:"from"`
	To      []string `json:"to"`
	Subject string   `json:"subject"`
	Date    *string  `json:"date"`
	Size    int64    `json:"size"`
}

// listFolder prints a local folder, newest first.
func listFolder(e *env, cfg *config.Config, f cache.Folder, asJSON bool, limit int) int {
	s, code := openConfigAccount(e, cfg, e.account, storeRead)
	if s == nil {
		return code
	}
	defer s.Close()
	ob := s.outbox(e)
	files, err := ob.LocalMessages(f)
	if err != nil {
		return fail(e, exitFailure, "list %s: %v", f, err)
	}
	var out []jsonFolderMessage
	for i := len(files) - 1; i >= 0 && (limit == 0 || len(out) < limit); i-- {
		raw, err := ob.ReadLocalMessage(f, files[i].ID)
		if err != nil {
			continue // removed meanwhile
		}
		header, _, _ := bytes.Cut(raw, []byte("\n\n"))
		sum := message.ParseSummary(header)
		j := jsonFolderMessage{ID: files[i].ID, From: sum.From.String(), To: []string{}, Subject: sum.Subject, Size: files[i].Size}
		for _, a := range append(sum.To, sum.Cc...) {
			j.To = append(j.To, a.String())
		}
		if !sum.Date.IsZero() {
			d := sum.Date.Format(time.RFC3339)
			j.Date = &d
		}
		out = append(out, j)
	}
	if asJSON {
		if out == nil {
			out = []jsonFolderMessage{}
		}
		enc := json.NewEncoder(e.stdout)
		enc.SetEscapeHTML(false)
		enc.SetIndent("", "  ")
		if err := enc.Encode(out); err != nil {
			return fail(e, exitFailure, "write the list: %v", err)
		}
		return exitOK
	}
	tw := tabwriter.NewWriter(e.stdout, 0, 4, 2, ' ', 0)
	for _, m := range out {
		date := ""
		if m.Date != nil {
			if t, err := time.Parse(time.RFC3339, *m.Date); err == nil {
				date = t.Local().Format("2006-01-02 15:04")
			}
		}
		who := strings.Join(m.To, ", ")
		if f == cache.Drafts && who == "" {
			who = "(no recipient)"
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", shortID(m.ID), date, message.SanitizeLine(truncate(who, 40)), message.SanitizeLine(m.Subject))
	}
	tw.Flush()
	return exitOK
}

// showFolder prints message id (a unique prefix is enough) of a local
// folder.
func showFolder(e *env, cfg *config.Config, f cache.Folder, id string, raw bool) int {
	s, code := openConfigAccount(e, cfg, e.account, storeRead)
	if s == nil {
		return code
	}
	defer s.Close()
	ob := s.outbox(e)
	files, err := ob.LocalMessages(f)
	if err != nil {
		return fail(e, exitFailure, "show: %v", err)
	}
	var found []string
	for _, m := range files {
		if m.ID == id || strings.HasPrefix(m.ID, id) {
			found = append(found, m.ID)
		}
	}
	if len(found) != 1 {
		return fail(e, exitUsage, "show: %d messages of %s match %q (see popterm list --folder %s)", len(found), f, message.SanitizeLine(id), strings.ToLower(string(f)))
	}
	b, err := ob.ReadLocalMessage(f, found[0])
	if err != nil {
		return fail(e, exitFailure, "show: %v", err)
	}
	if raw {
		return showRaw(e, bytes.NewReader(b))
	}
	m, err := message.Parse(bytes.NewReader(b), message.Options{PreferHTML: cfg.UI.PreferHTML})
	if err != nil {
		return fail(e, exitFailure, "show: %s", message.SanitizeLine(err.Error()))
	}
	render(e.stdout, m, termWidth(e.stdout, 80))
	return exitOK
}

// truncate cuts s to n runes with an ellipsis.
func truncate(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n-1]) + "…"
}

// listLocalFolder is `popterm list --folder F` for a local folder.
func listLocalFolder(e *env, f cache.Folder, flagErr error, asJSON bool, limit int) int {
	if flagErr != nil {
		return fail(e, exitUsage, "list: %v", flagErr)
	}
	cfg, code, err := loadConfig(e)
	if err != nil {
		return fail(e, code, "%v", err)
	}
	return listFolder(e, cfg, f, asJSON, limit)
}

// showLocalFolder is `popterm show --folder F ID` for a local folder.
func showLocalFolder(e *env, f cache.Folder, flagErr error, id string, raw bool) int {
	if flagErr != nil {
		return fail(e, exitUsage, "show: %v", flagErr)
	}
	cfg, code, err := loadConfig(e)
	if err != nil {
		return fail(e, code, "%v", err)
	}
	return showFolder(e, cfg, f, id, raw)
}

package ui

import (
	"context"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	tea "charm.land/bubbletea/v2"

	"github.com/popterm/popterm/mailapi"
	"github.com/popterm/popterm/message"
	"github.com/popterm/popterm/pattern"
)

// unifiedName is the unified view's name in the status bar.
const unifiedName = "all accounts"

// idShift places an account's number above its message IDs in the
// unified view's IDs (store IDs stay far below 2^40).
const idShift = 40

// unifiedEngine shows several accounts as one (U): rows of every account
// in the one list order, each action sent to its message's account, syncs
// and commits run account by account.
type unifiedEngine struct {
	names   []string
	engines []Engine

	closeOnce sync.Once
	closeErr  error
}

// join makes a unified ID from account i's message ID.
func (u *unifiedEngine) join(i int, id int64) int64 { return int64(i+1)<<idShift | id }

// split finds the account and its message ID of a unified ID.
func (u *unifiedEngine) split(id int64) (int, int64, error) {
	i := int(id>>idShift) - 1
	if i < 0 || i >= len(u.engines) {
		return 0, 0, &mailapi.Error{Kind: mailapi.KindNotFound, Msg: fmt.Sprintf("no message %d", id)}
	}
	return i, id & (1<<idShift - 1), nil
}

// byAccount groups unified IDs by account.
func (u *unifiedEngine) byAccount(ids []int64) (map[int][]int64, error) {
	out := map[int][]int64{}
	for _, id := range ids {
		i, own, err := u.split(id)
		if err != nil {
			return nil, err
		}
		out[i] = append(out[i], own)
	}
	return out, nil
}

// AccountOf names the account of a unified ID.
func (u *unifiedEngine) AccountOf(id int64) string {
	if i, _, err := u.split(id); err == nil {
		return u.names[i]
	}
	return ""
}

func (u *unifiedEngine) List(ctx context.Context, q mailapi.Query) ([]mailapi.Summary, error) {
	var all []mailapi.Summary
	for i, e := range u.engines {
		rows, err := e.List(ctx, mailapi.Query{Search: q.Search})
		if err != nil {
			return nil, fmt.Errorf("%s: %w", u.names[i], err)
		}
		for _, r := range rows {
			r.ID = u.join(i, r.ID)
			all = append(all, r)
		}
	}
	slices.SortFunc(all, func(a, b mailapi.Summary) int { return a.CompareNewest(&b) })
	all = all[min(max(q.Offset, 0), len(all)):]
	if q.Limit > 0 && len(all) > q.Limit {
		all = all[:q.Limit]
	}
	return all, nil
}

// Count adds up the accounts' counts of a search (see counter); an
// account whose engine cannot count makes the whole count unknown (-1).
func (u *unifiedEngine) Count(ctx context.Context, q mailapi.Query) (int, error) {
	sum := 0
	for i, e := range u.engines {
		c, ok := e.(counter)
		if !ok {
			return -1, nil
		}
		n, err := c.Count(ctx, mailapi.Query{Search: q.Search})
		if err != nil {
			return 0, fmt.Errorf("%s: %w", u.names[i], err)
		}
		sum += n
	}
	return sum, nil
}

func (u *unifiedEngine) Stats(ctx context.Context) (mailapi.Stats, error) {
	var sum mailapi.Stats
	for i, e := range u.engines {
		st, err := e.Stats(ctx)
		if err != nil {
			return sum, fmt.Errorf("%s: %w", u.names[i], err)
		}
		sum.Total += st.Total
		sum.Unseen += st.Unseen
		sum.Deleted += st.Deleted
		sum.Cached += st.Cached
	}
	return sum, nil
}

// Sync syncs every account in turn; an account that fails is named in the
// error, after the others ran.
func (u *unifiedEngine) Sync(ctx context.Context, opts mailapi.SyncOptions) (mailapi.Result, error) {
	var sum mailapi.Result
	sum.Committed = true
	var errs []error
	for i, e := range u.engines {
		res, err := e.Sync(ctx, opts)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", u.names[i], err))
			continue
		}
		sum.New += res.New
		sum.Gone += res.Gone
		sum.Downloaded += res.Downloaded
		sum.Deleted += res.Deleted
		sum.Pending += res.Pending
		sum.Committed = sum.Committed && res.Committed
		for _, w := range res.Warnings {
			sum.Warnings = append(sum.Warnings, u.names[i]+": "+w)
		}
		sum.TLS = res.TLS
	}
	return sum, errors.Join(errs...)
}

// Commit commits every account that has marks, each in its own
// commit-only session.
func (u *unifiedEngine) Commit(ctx context.Context, progress func(mailapi.Progress)) (mailapi.CommitResult, error) {
	sum := mailapi.CommitResult{Committed: true}
	var errs []error
	for i, e := range u.engines {
		st, err := e.Stats(ctx)
		if err != nil || st.Deleted == 0 {
			continue
		}
		res, err := e.Commit(ctx, progress)
		sum.Deleted += res.Deleted
		sum.Pending += res.Pending
		sum.Committed = sum.Committed && res.Committed && err == nil
		for _, w := range res.Warnings {
			sum.Warnings = append(sum.Warnings, u.names[i]+": "+w)
		}
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", u.names[i], err))
		}
		sum.TLS = res.TLS
	}
	return sum, errors.Join(errs...)
}

func (u *unifiedEngine) Open(ctx context.Context, id int64, opts message.Options) (*message.Message, error) {
	i, own, err := u.split(id)
	if err != nil {
		return nil, err
	}
	return u.engines[i].Open(ctx, own, opts)
}

func (u *unifiedEngine) Body(ctx context.Context, id int64) (io.ReadCloser, error) {
	i, own, err := u.split(id)
	if err != nil {
		return nil, err
	}
	return u.engines[i].Body(ctx, own)
}

// each runs f on every account with its share of ids.
func (u *unifiedEngine) each(ids []int64, f func(e Engine, ids []int64) error) error {
	groups, err := u.byAccount(ids)
	if err != nil {
		return err
	}
	var errs []error
	for i, own := range groups {
		if err := f(u.engines[i], own); err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", u.names[i], err))
		}
	}
	return errors.Join(errs...)
}

func (u *unifiedEngine) MarkDeleted(ctx context.Context, ids []int64, deleted bool) error {
	return u.each(ids, func(e Engine, ids []int64) error { return e.MarkDeleted(ctx, ids, deleted) })
}

func (u *unifiedEngine) MarkFlagged(ctx context.Context, ids []int64, flagged bool) error {
	return u.each(ids, func(e Engine, ids []int64) error { return e.MarkFlagged(ctx, ids, flagged) })
}

func (u *unifiedEngine) MarkSeen(ctx context.Context, ids []int64, seen bool) error {
	return u.each(ids, func(e Engine, ids []int64) error { return e.MarkSeen(ctx, ids, seen) })
}

// Save saves each account's messages with that account's engine (a folder
// name means that account's folder).
func (u *unifiedEngine) Save(ctx context.Context, ids []int64, target string) (string, error) {
	var where []string
	err := u.each(ids, func(e Engine, ids []int64) error {
		w, err := e.Save(ctx, ids, target)
		where = append(where, w)
		return err
	})
	slices.Sort(where)
	return strings.Join(slices.Compact(where), ", "), err
}

// Folders lists none: local folders belong to one account (leave U first).
func (u *unifiedEngine) Folders() ([]string, error) { return nil, nil }

func (u *unifiedEngine) Filter(ctx context.Context, p *pattern.Pattern, tagged func(id int64) bool) (func(*mailapi.Summary) bool, error) {
	return pattern.Filter(ctx, u.List, p, tagged)
}

// LastSync is the latest of the accounts' last syncs.
func (u *unifiedEngine) LastSync() time.Time {
	var last time.Time
	for _, e := range u.engines {
		if t := e.LastSync(); t.After(last) {
			last = t
		}
	}
	return last
}

// Close closes every account's engine, once.
func (u *unifiedEngine) Close() error {
	u.closeOnce.Do(func() {
		var errs []error
		for _, e := range u.engines {
			errs = append(errs, e.Close())
		}
		u.closeErr = errors.Join(errs...)
	})
	return u.closeErr
}

// keepOpen is an engine whose Close does nothing: the current account's
// engine handed over to the unified view, which closes it later.
type keepOpen struct{ Engine }

func (keepOpen) Close() error { return nil }

// unifiedOpenedMsg carries the other accounts' engines for U.
type unifiedOpenedMsg struct {
	session int
	names   []string
	accts   []Account
	err     error
}

// toggleUnified is U: open every other account and show them all in one
// list, or go back to the account the view started from.
func (m App) toggleUnified() (tea.Model, tea.Cmd) {
	if m.unified != nil {
		// The accounts' stores are let go first, so that the account
		// reopens with its write lock.
		base, open, u := m.baseAccount, m.opts.OpenAccount, m.unified
		return m, func() tea.Msg {
			if err := u.Close(); err != nil {
				return folderOpenedMsg{base: base, err: err}
			}
			acct, err := open(base)
			return folderOpenedMsg{base: base, acct: acct, err: err}
		}
	}
	if len(m.opts.Accounts) < 2 || m.opts.OpenAccount == nil || m.folder != "" {
		m.status.Notify("The unified view needs two or more accounts (and the Inbox shown).")
		return m, nil
	}
	m.status.Notify("Opening every account…")
	open, cur, session := m.opts.OpenAccount, m.acct.Name, m.session
	names := m.opts.Accounts
	return m, func() tea.Msg {
		msg := unifiedOpenedMsg{session: session}
		for _, n := range names {
			if n == cur {
				continue
			}
			a, err := open(n)
			if err != nil {
				for _, o := range msg.accts {
					o.Engine.Close()
				}
				return unifiedOpenedMsg{session: session, err: fmt.Errorf("%s: %w", n, err)}
			}
			msg.names, msg.accts = append(msg.names, n), append(msg.accts, a)
		}
		return msg
	}
}

// unifiedOpened shows every account in one list.
func (m App) unifiedOpened(msg unifiedOpenedMsg) (tea.Model, tea.Cmd) {
	if msg.session != m.session {
		for _, a := range msg.accts {
			a.Engine.Close()
		}
		return m, nil
	}
	if msg.err != nil {
		m.status.Fail(sentence("Could not open every account", msg.err))
		return m, nil
	}
	u := &unifiedEngine{names: []string{m.acct.Name}, engines: []Engine{m.acct.Engine}}
	for i, a := range msg.accts {
		u.names, u.engines = append(u.names, msg.names[i]), append(u.engines, a.Engine)
	}
	base := m.acct.Name
	m.acct.Engine = keepOpen{m.acct.Engine} // now the unified view's to close
	nm, cmd := m.accountOpened(accountOpenedMsg{acct: Account{Name: unifiedName, Engine: u, CheckEvery: m.acct.CheckEvery,
		Notice: "Every account in one list; U goes back to " + message.SanitizeLine(base) + "."}})
	app := nm.(App)
	app.unified, app.baseAccount = u, base
	app.index.accountOf = u.AccountOf
	return app, cmd
}

// accountWidth is the width of the unified view's account column (0 when
// one account is shown).
func (m indexModel) accountWidth() int {
	if m.accountOf == nil || m.width < narrow {
		return 0
	}
	w := len("Account")
	for i := range m.rows {
		w = max(w, stringWidth(message.SanitizeLine(m.accountOf(m.rows[i].ID))))
	}
	return min(w, 12)
}

// accountName is the account column's text for a row.
func (m indexModel) accountName(id int64) string {
	if m.accountOf == nil {
		return ""
	}
	return message.SanitizeLine(m.accountOf(id))
}

// marksByAccount is "work 2, home 1": the deletion marks of each account
// in the unified view ("" otherwise).
func (m indexModel) marksByAccount() string {
	if m.accountOf == nil {
		return ""
	}
	counts := map[string]int{}
	var names []string
	for i := range m.rows {
		if !m.rows[i].Deleted {
			continue
		}
		a := m.accountName(m.rows[i].ID)
		if counts[a] == 0 {
			names = append(names, a)
		}
		counts[a]++
	}
	slices.Sort(names)
	parts := make([]string, len(names))
	for i, n := range names {
		parts[i] = fmt.Sprintf("%s %d", n, counts[n])
	}
	return strings.Join(parts, ", ")
}

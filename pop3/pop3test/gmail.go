package pop3test

import "strings"

// DefaultGmailBatch is how many messages a Gmail session lists at most.
const DefaultGmailBatch = 250

// recentPrefix starts a Gmail user name that asks for the rolling listing
// ("recent mode"), e.g. "recent:alice@gmail.com".
const recentPrefix = "recent:"

// account returns the user a login name stands for: under Config.Gmail,
// without its "recent:" prefix.
func (s *Server) account(user string) string {
	if s.cfg.Gmail {
		return strings.TrimPrefix(user, recentPrefix)
	}
	return user
}

// listed returns the messages a session of user lists: the whole maildrop,
// or, under Config.Gmail, the first GmailBatch messages not yet handed out
// (every message with the "recent:" prefix).
func (s *Server) listed(md *Maildrop, user string) []*entry {
	all := md.snapshot()
	if !s.cfg.Gmail || strings.HasPrefix(user, recentPrefix) {
		return all
	}
	md.mu.Lock()
	defer md.mu.Unlock()
	var out []*entry
	for _, e := range all {
		if len(out) == s.cfg.GmailBatch {
			break
		}
		if !md.handed[e.id] {
			out = append(out, e)
		}
	}
	return out
}

// handOut records that a message was retrieved: later default-mode Gmail
// sessions leave it out.
func (md *Maildrop) handOut(id int64) {
	md.mu.Lock()
	defer md.mu.Unlock()
	if md.handed == nil {
		md.handed = make(map[int64]bool)
	}
	md.handed[id] = true
}

package mailbox

import (
	"slices"

	"github.com/popterm/popterm/cache"
	"github.com/popterm/popterm/mailapi"
)

// The engine's API types live in mailapi (a leaf, so the reader does not
// compile the store); these aliases keep the engine's own code short.
type (
	// Summary is one index row (mailapi.Summary).
	Summary = mailapi.Summary
	// Query selects rows for List (mailapi.Query).
	Query = mailapi.Query
	// Stats are the counts a status bar shows (mailapi.Stats).
	Stats = mailapi.Stats
	// Phase names a step of a session (mailapi.Phase).
	Phase = mailapi.Phase
	// Progress is one progress event (mailapi.Progress).
	Progress = mailapi.Progress
	// SyncOptions choose what a sync may do (mailapi.SyncOptions).
	SyncOptions = mailapi.SyncOptions
	// Result summarises a sync (mailapi.Result).
	Result = mailapi.Result
	// CommitResult summarises a commit (mailapi.CommitResult).
	CommitResult = mailapi.CommitResult
	// Kind classifies an error (mailapi.Kind).
	Kind = mailapi.Kind
	// Error is an engine error with its kind decided (mailapi.Error).
	Error = mailapi.Error
)

// Phases of a session (see mailapi).
const (
	PhaseConnect = mailapi.PhaseConnect
	PhaseLogin   = mailapi.PhaseLogin
	PhaseList    = mailapi.PhaseList
	PhaseHeaders = mailapi.PhaseHeaders
	PhaseBodies  = mailapi.PhaseBodies
	PhaseCommit  = mailapi.PhaseCommit
	PhaseQuit    = mailapi.PhaseQuit
	PhaseMore    = mailapi.PhaseMore
	PhaseDone    = mailapi.PhaseDone
)

// Error kinds (see mailapi).
const (
	KindOther       = mailapi.KindOther
	KindCredentials = mailapi.KindCredentials
	KindTryLater    = mailapi.KindTryLater
	KindConfig      = mailapi.KindConfig
	KindNotFound    = mailapi.KindNotFound
)

// summary converts a store row into the engine's row type.
func summary(m cache.Message) Summary {
	return Summary{
		ID: m.ID, UIDL: m.UIDL, Dup: m.Dup, Size: m.Size,
		From: m.From, FromName: m.FromName, To: m.To, Cc: m.Cc,
		Subject: m.Subject, Date: m.Date, MessageID: m.MessageID,
		InReplyTo: m.InReplyTo, References: m.References, HeaderHash: m.HeaderHash,
		Cached: m.Cached, Seen: m.Seen, Answered: m.Answered, Flagged: m.Flagged,
		Deleted: m.Deleted, HasAttachments: m.HasAttachments, OnServer: m.OnServer,
		FirstSeen: m.FirstSeen, DownloadedAt: m.DownloadedAt,
	}
}

// sortNewest puts rows in the list order (Summary.CompareNewest): it sorts
// small keys, then moves each row once, following the permutation's
// cycles, instead of moving the large rows at every step of the sort.
func sortNewest(rows []Summary) {
	type key struct {
		sort, id int64
		from     int // the position of the row that goes here
	}
	keys := make([]key, len(rows))
	for i := range rows {
		keys[i] = key{rows[i].SortKey(), rows[i].ID, i}
	}
	slices.SortFunc(keys, func(a, b key) int { return mailapi.CompareNewest(a.sort, a.id, b.sort, b.id) })
	done := make([]bool, len(rows))
	for start := range rows {
		if done[start] {
			continue
		}
		held := rows[start]
		for at := start; ; {
			done[at] = true
			from := keys[at].from
			if from == start {
				rows[at] = held
				break
			}
			rows[at] = rows[from]
			at = from
		}
	}
}

// storeQuery converts a query for the store.
func storeQuery(q Query) cache.Query {
	return cache.Query{Search: q.Search, Limit: q.Limit, Offset: q.Offset}
}

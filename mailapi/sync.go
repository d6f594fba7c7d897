package mailapi

// Phase names a step of a server session, for progress.
type Phase string

// Phases of a sync or a commit.
const (
	PhaseConnect Phase = "connecting"
	PhaseLogin   Phase = "logging in"
	PhaseList    Phase = "listing"
	PhaseHeaders Phase = "fetching headers"
	PhaseBodies  Phase = "downloading"
	PhaseCommit  Phase = "deleting on server"
	PhaseQuit    Phase = "closing"
	PhaseMore    Phase = "looking for more mail" // another session of the same sync
	PhaseDone    Phase = "done"
)

// Progress is one progress event: the phase, how many of Total items are
// done and, while downloading, how many bytes arrived.
type Progress struct {
	Phase Phase
	Done  int
	Total int
	Bytes int64
}

// SyncOptions choose what a sync may do.
type SyncOptions struct {
	// Commit sends DELE for pending marks (and policy deletions) before QUIT.
	// Automatic syncs leave it false: they never delete anything.
	Commit bool
	// Progress, when set, receives events (from the sync's goroutine).
	Progress func(Progress)
}

// Result summarises a sync.
type Result struct {
	New        int      // messages first seen on the server
	Gone       int      // unmarked messages that vanished from the server (marked ones count in Deleted)
	Downloaded int      // bodies stored
	Deleted    int      // deletions committed by QUIT
	Pending    int      // marks still pending after the sync
	Committed  bool     // QUIT answered +OK
	Warnings   []string // things the user should know now (sanitized)
	TLS        string   // e.g. "TLS 1.3", or "none"

	// Notes are facts about the server that hold at every sync (no UIDL, no
	// TOP): worth a line in `popterm sync -v`, not a warning each time.
	Notes []string
}

// CommitResult summarises a commit: a session that only deletes (UIDL, DELE,
// QUIT) and fetches no header or body.
type CommitResult struct {
	Deleted   int      // deletions committed by QUIT
	Pending   int      // marks still pending after the commit
	Committed bool     // QUIT answered +OK
	Warnings  []string // things the user should know now (sanitized)
	TLS       string   // e.g. "TLS 1.3", or "none"
}

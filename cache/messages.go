package cache

import (
	"bytes"
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/popterm/popterm/mailapi"
	"github.com/popterm/popterm/message"
)

// Message is one index row.
type Message struct {
	ID         int64    // assigned when first stored, never reused
	UIDL       string   // the server's unique-id as sent: not safe to display unsanitized
	Dup        int      // 0 for the first message with this UIDL, 1.. for duplicates
	Size       int64    // the size the server listed, in bytes
	From       string   // "Name <addr>"
	FromName   string   // display name, else address
	To, Cc     []string // "Name <addr>"
	Subject    string
	Date       time.Time // zero when none
	MessageID  string
	InReplyTo  string
	References []string
	HeaderHash string // hex SHA-256 of the raw header block, see HeaderHash

	Cached         bool // body stored
	Seen           bool
	Answered       bool
	Flagged        bool
	Deleted        bool // marked for deletion, pending commit
	HasAttachments bool
	OnServer       bool      // in the server's listing at the last sync
	FirstSeen      time.Time // when a sync first indexed it
	DownloadedAt   time.Time // zero when not cached
}

// NewMessage is a message first seen on the server.
type NewMessage struct {
	UIDL   string
	Dup    int
	Size   int64
	Header []byte // raw header block (TOP n 0), LF line ends
}

// HeaderHash returns the hex SHA-256 of a header block as the index stores
// it: line ends normalised to LF and the blank line that ends the block (and
// anything after it, so a whole message works too) left out. The sync engine
// uses it to match messages across a UIDL change.
func HeaderHash(header []byte) string {
	sum := sha256.Sum256(headerBlock(header))
	return hex.EncodeToString(sum[:])
}

// headerBlock returns the header part of a message or header block with LF
// line ends and no trailing blank line.
func headerBlock(b []byte) []byte {
	b = bytes.ReplaceAll(b, []byte("\r\n"), []byte("\n"))
	if i := bytes.Index(b, []byte("\n\n")); i >= 0 {
		b = b[:i+1]
	} else if bytes.HasPrefix(b, []byte("\n")) {
		b = nil // empty header: the body starts at once
	}
	return bytes.TrimRight(b, "\n")
}

// Add indexes new messages in one transaction and returns their IDs in order.
// Summaries come from message.ParseSummary. A UIDL+Dup that is already stored
// fails the whole batch.
func (s *Store) Add(ctx context.Context, msgs []NewMessage) ([]int64, error) {
	if err := s.writable(); err != nil {
		return nil, err
	}
	if len(msgs) == 0 {
		return nil, nil
	}
	// Parse the headers first, on the cores there are, so the transaction
	// (the write lock) only inserts.
	now := time.Now().UnixMilli()
	parsed := make([]newRow, len(msgs))
	forEach(len(msgs), func(i int) { parsed[i] = parseNew(msgs[i].Header, now) })
	tx, err := s.db.BeginTx(ctx, nil)
	if err != nil {
		return nil, fmt.Errorf("add messages: %w", err)
	}
	defer tx.Rollback()
	ins, err := tx.PrepareContext(ctx, `INSERT INTO messages (uidl, dup, size, from_addr, from_name,
		to_addrs, cc_addrs, subject, date, sort_key, message_id, in_reply_to, refs,
		header_hash, has_attachments, first_seen) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)`)
	if err != nil {
		return nil, fmt.Errorf("add messages: %w", err)
	}
	defer ins.Close()
	hdr, err := tx.PrepareContext(ctx, `INSERT INTO headers (id, header) VALUES (?,?)`)
	if err != nil {
		return nil, fmt.Errorf("add messages: %w", err)
	}
	defer hdr.Close()
	fts, err := tx.PrepareContext(ctx, `INSERT INTO search (rowid, subject, addrs, cjk) VALUES (?,?,?,'')`)
	if err != nil {
		return nil, fmt.Errorf("add messages: %w", err)
	}
	defer fts.Close()
	ids := make([]int64, 0, len(msgs))
	for i, m := range msgs {
		p := &parsed[i]
		r := &p.row
		res, err := ins.ExecContext(ctx, m.UIDL, m.Dup, m.Size, r.from, r.fromName, r.to, r.cc,
			r.subject, p.date, p.sortKey, r.messageID, r.inReplyTo, r.refs,
			p.hash, p.attachments, now)
		if err != nil {
			return nil, fmt.Errorf("add message %q (dup %d): %w", m.UIDL, m.Dup, err)
		}
		id, err := res.LastInsertId()
		if err != nil {
			return nil, fmt.Errorf("add message %q: %w", m.UIDL, err)
		}
		if _, err := hdr.ExecContext(ctx, id, m.Header); err != nil {
			return nil, fmt.Errorf("add message %q: %w", m.UIDL, err)
		}
		if _, err := fts.ExecContext(ctx, id, r.subject, r.addrs); err != nil {
			return nil, fmt.Errorf("add message %q to search: %w", m.UIDL, err)
		}
		ids = append(ids, id)
	}
	if err := tx.Commit(); err != nil {
		return nil, fmt.Errorf("add messages: %w", err)
	}
	return ids, nil
}

// newRow is what Add stores of a new message's header.
type newRow struct {
	row         row
	date        any // RFC 3339, or nil without a date
	sortKey     int64
	hash        string
	attachments bool
}

// parseNew parses a new message's header for Add; now is its first_seen.
func parseNew(header []byte, now int64) newRow {
	sum := message.ParseSummary(header)
	p := newRow{row: summaryRow(sum), sortKey: mailapi.SortKey(sum.Date, time.UnixMilli(now)),
		hash: HeaderHash(header), attachments: sum.HasAttachments}
	if !sum.Date.IsZero() {
		p.date = sum.Date.Format(time.RFC3339Nano)
	}
	return p
}

// row is a summary flattened into index columns.
type row struct {
	from, fromName, to, cc, refs, addrs string
	subject, messageID, inReplyTo       string
}

func summaryRow(sum message.Summary) row {
	to, cc := addrStrings(sum.To), addrStrings(sum.Cc)
	r := row{
		to:        joinLines(to),
		cc:        joinLines(cc),
		refs:      joinLines(sum.References),
		subject:   cleanText(sum.Subject),
		messageID: cleanText(sum.MessageID),
		inReplyTo: cleanText(sum.InReplyTo),
	}
	if sum.From.Addr != "" || sum.From.Name != "" {
		r.from = oneLine(sum.From.String())
		r.fromName = oneLine(sum.From.Name)
		if r.fromName == "" {
			r.fromName = oneLine(sum.From.Addr)
		}
	}
	r.addrs = strings.Join(append(append([]string{r.from}, to...), cc...), " ")
	return r
}

func addrStrings(as []message.Address) []string {
	out := make([]string, 0, len(as))
	for _, a := range as {
		out = append(out, a.String())
	}
	return out
}

// joinLines stores a list in one column, one item per line.
func joinLines(items []string) string {
	clean := make([]string, 0, len(items))
	for _, it := range items {
		if it = oneLine(it); it != "" {
			clean = append(clean, it)
		}
	}
	return strings.Join(clean, "\n")
}

func splitLines(s string) []string {
	if s == "" {
		return nil
	}
	return strings.Split(s, "\n")
}

// oneLine makes s fit in one line of a list column.
func oneLine(s string) string {
	if strings.ContainsAny(s, "\r\n\x1f") {
		s = strings.Map(func(r rune) rune {
			switch r {
			case '\r', '\n':
				return ' '
			case '\x1f':
				return -1
			}
			return r
		}, s)
	}
	return strings.TrimSpace(s)
}

// messageCols are the columns scanMessage reads, in order. Listing 100,000
// rows is what the UI does at start, and every column costs calls into
// SQLite per row, so the text fields travel joined by unit separators
// (which cleanText keeps out of them) and the booleans packed in one integer.
const messageCols = `m.id, m.uidl, m.dup, m.size,
	m.from_addr || char(31) || m.from_name || char(31) || m.to_addrs || char(31) ||
	m.cc_addrs || char(31) || m.subject || char(31) || coalesce(m.date, '') || char(31) ||
	m.message_id || char(31) || m.in_reply_to || char(31) || m.refs || char(31) || m.header_hash,
	m.cached | (m.seen << 1) | (m.answered << 2) | (m.flagged << 3) | (m.deleted << 4) |
	(m.has_attachments << 5) | (m.on_server << 6),
	m.first_seen, coalesce(m.downloaded_at, 0), m.sort_key`

// textFields is how many fields the joined text column holds.
const textFields = 10

// cleanText removes the unit separator that messageCols joins text with.
func cleanText(s string) string { return strings.ReplaceAll(s, "\x1f", "") }

// Bits of the packed boolean column.
const (
	bitCached = 1 << iota
	bitSeen
	bitAnswered
	bitFlagged
	bitDeleted
	bitHasAttachments
	bitOnServer
)

type scanner interface{ Scan(...any) error }

// scanMessage reads one row of messageCols and its sort key.
func scanMessage(sc scanner) (Message, int64, error) {
	var (
		m                                  Message
		text                               string
		bits, firstSeen, downloaded, order int64
	)
	err := sc.Scan(&m.ID, &m.UIDL, &m.Dup, &m.Size, &text, &bits, &firstSeen, &downloaded, &order)
	if err != nil {
		return m, 0, err
	}
	f := strings.Split(text, "\x1f")
	if len(f) != textFields {
		return m, 0, fmt.Errorf("message %d: damaged text fields (run popterm check)", m.ID)
	}
	m.From, m.FromName, m.To, m.Cc, m.Subject = f[0], f[1], splitLines(f[2]), splitLines(f[3]), f[4]
	if f[5] != "" {
		m.Date, _ = time.Parse(time.RFC3339Nano, f[5])
	}
	m.MessageID, m.InReplyTo, m.References, m.HeaderHash = f[6], f[7], splitLines(f[8]), f[9]
	m.Cached = bits&bitCached != 0
	m.Seen = bits&bitSeen != 0
	m.Answered = bits&bitAnswered != 0
	m.Flagged = bits&bitFlagged != 0
	m.Deleted = bits&bitDeleted != 0
	m.HasAttachments = bits&bitHasAttachments != 0
	m.OnServer = bits&bitOnServer != 0
	m.FirstSeen = time.UnixMilli(firstSeen)
	if downloaded != 0 {
		m.DownloadedAt = time.UnixMilli(downloaded)
	}
	return m, order, nil
}

// Get returns one message, ErrNotFound when there is none with that ID.
func (s *Store) Get(id int64) (Message, error) {
	m, _, err := scanMessage(s.db.QueryRow(`SELECT `+messageCols+` FROM messages m WHERE m.id = ?`, id))
	if errors.Is(err, sql.ErrNoRows) {
		return m, fmt.Errorf("message %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return m, fmt.Errorf("read message %d: %w", id, err)
	}
	return m, nil
}

// Header returns the raw header block stored for a message (what TOP n 0
// returned), so headers can be shown before the body is downloaded.
func (s *Store) Header(id int64) ([]byte, error) {
	var h []byte
	err := s.db.QueryRow(`SELECT header FROM headers WHERE id = ?`, id).Scan(&h)
	if errors.Is(err, sql.ErrNoRows) {
		return nil, fmt.Errorf("message %d: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("read header of message %d: %w", id, err)
	}
	return h, nil
}

// All returns every row (for the sync diff), in ID order.
func (s *Store) All(ctx context.Context) ([]Message, error) {
	ms, _, err := s.queryMessages(ctx, `SELECT `+messageCols+` FROM messages m ORDER BY m.id`)
	return ms, err
}

// queryMessages runs a query of messageCols and returns the rows with their
// sort keys.
func (s *Store) queryMessages(ctx context.Context, query string, args ...any) ([]Message, []int64, error) {
	rows, err := s.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, nil, fmt.Errorf("read index: %w", err)
	}
	defer rows.Close()
	var (
		out  []Message
		keys []int64
	)
	for rows.Next() {
		m, key, err := scanMessage(rows)
		if err != nil {
			return nil, nil, fmt.Errorf("read index: %w", err)
		}
		out = append(out, m)
		keys = append(keys, key)
	}
	if err := rows.Err(); err != nil {
		return nil, nil, fmt.Errorf("read index: %w", err)
	}
	return out, keys, nil
}

// SyncRow is what a sync compares with the server's listing: a small part
// of Message, so that a sync holds 100,000 of them in a few megabytes.
type SyncRow struct {
	ID       int64
	UIDL     string // the server's unique-id as sent: not safe to display unsanitized
	Dup      int
	Size     int64
	Date     time.Time // as an instant, without the sender's offset; zero when none
	Cached   bool
	Deleted  bool
	OnServer bool
}

// SyncRows returns every row's SyncRow, in ID order (Rows reads whole rows
// for the few that need more). It reads much less than All, so a sync with
// no new mail stays quick on a large store.
func (s *Store) SyncRows(ctx context.Context) ([]SyncRow, error) {
	return s.syncRows(ctx, "")
}

// Unfetched returns, as SyncRows does, the rows whose bodies could be
// prefetched: not downloaded, not marked for deletion, on the server.
func (s *Store) Unfetched(ctx context.Context) ([]SyncRow, error) {
	return s.syncRows(ctx, ` WHERE cached = 0 AND deleted = 0 AND on_server = 1`)
}

// syncRows reads the rows of SyncRows that match where. The numbers travel
// as one text column (fewer calls into SQLite per row, as in messageCols).
func (s *Store) syncRows(ctx context.Context, where string) ([]SyncRow, error) {
	var n int
	if err := s.db.QueryRowContext(ctx, `SELECT count(*) FROM messages`+where).Scan(&n); err != nil {
		return nil, fmt.Errorf("read index: %w", err)
	}
	rows, err := s.db.QueryContext(ctx, `SELECT uidl, id || ' ' || dup || ' ' || size || ' ' ||
		(cached | (deleted << 1) | (on_server << 2)) || ' ' || CASE WHEN date IS NULL THEN '' ELSE sort_key END
		FROM messages`+where+` ORDER BY id`)
	if err != nil {
		return nil, fmt.Errorf("read index: %w", err)
	}
	defer rows.Close()
	out := make([]SyncRow, 0, n+16)
	for rows.Next() {
		var (
			m    SyncRow
			nums []byte
		)
		if err := rows.Scan(&m.UIDL, &nums); err != nil {
			return nil, fmt.Errorf("read index: %w", err)
		}
		if err := parseSyncNums(&m, nums); err != nil {
			return nil, fmt.Errorf("read index: %w", err)
		}
		out = append(out, m)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read index: %w", err)
	}
	return out, nil
}

// parseSyncNums reads "id dup size bits [date]" into m.
func parseSyncNums(m *SyncRow, b []byte) error {
	var f [5]int64
	i := 0
	for k := range f {
		start := i
		neg := i < len(b) && b[i] == '-'
		if neg {
			i++
		}
		for ; i < len(b) && b[i] >= '0' && b[i] <= '9'; i++ {
			f[k] = f[k]*10 + int64(b[i]-'0')
		}
		if neg {
			f[k] = -f[k]
		}
		if k == 4 && i == start { // no date
			break
		}
		if i == start || (k < 4 && (i >= len(b) || b[i] != ' ')) {
			return fmt.Errorf("damaged row %q (run popterm check)", b)
		}
		i++
	}
	m.ID, m.Dup, m.Size = f[0], int(f[1]), f[2]
	m.Cached, m.Deleted, m.OnServer = f[3]&1 != 0, f[3]&2 != 0, f[3]&4 != 0
	if len(b) > 0 && b[len(b)-1] != ' ' {
		m.Date = time.UnixMilli(f[4])
	}
	return nil
}

// Rows returns the rows with these IDs, in ID order; IDs with no row are
// left out.
func (s *Store) Rows(ctx context.Context, ids []int64) ([]Message, error) {
	ms, _, err := s.queryMessages(ctx, `SELECT `+messageCols+` FROM messages m WHERE m.`+inIDs+` ORDER BY m.id`, idList(ids))
	return ms, err
}

package mailbox

import (
	"bufio"
	"bytes"
	"context"
	"fmt"
	"io"
	"maps"
	"slices"

	"github.com/popterm/popterm/cache"
	"github.com/popterm/popterm/message"
)

// headFunc handles one message's header block; whole is the entire message
// when it came by RETR (no TOP), else nil.
type headFunc func(n int, hb headerBlock, whole io.Reader) error

// fetchHeads reads the header block of each message in nums, in order, with
// pipelined TOP n 0. A server without TOP (none advertised, or the first TOP
// refused by a server that did not answer CAPA) gets RETR instead, with a
// warning; so does a message whose TOP came back empty (a mangled TOP).
func (s *syncRun) fetchHeads(ctx context.Context, nums []int, fn headFunc) error {
	if len(nums) == 0 {
		return nil
	}
	if !s.noTop {
		if caps := s.c.Caps(); caps == nil || !caps.Known {
			if err := s.probeTop(ctx, nums[0]); err != nil {
				return err
			}
		}
	}
	if s.noTop {
		s.note("the server does not support TOP: whole messages are downloaded to read their headers")
		return s.retrHeads(ctx, nums, fn)
	}
	var retry []int
	err := s.c.TopMany(ctx, nums, 0, func(n int, body io.Reader, rerr error) error {
		if rerr != nil {
			retry = append(retry, n)
			return nil
		}
		hb, err := readHeader(bufio.NewReader(body))
		if err != nil {
			return fmt.Errorf("top %d: %w", n, err)
		}
		if len(bytes.TrimSpace(hb.header)) == 0 {
			retry = append(retry, n)
			return nil
		}
		return fn(n, hb, nil)
	})
	if err != nil {
		return fmt.Errorf("fetch headers: %w", err)
	}
	if len(retry) > 0 {
		s.warn("the server gave no usable TOP reply for %d messages: they were downloaded whole", len(retry))
		return s.retrHeads(ctx, retry, fn)
	}
	return nil
}

// probeTop sends one TOP to a server that did not answer CAPA, to learn
// whether it has TOP at all.
func (s *syncRun) probeTop(ctx context.Context, n int) error {
	rc, err := s.c.Top(ctx, n, 0)
	if err != nil {
		if isRefusal(err) {
			s.noTop = true
			return nil
		}
		return fmt.Errorf("top %d: %w", n, err)
	}
	if _, err := io.Copy(io.Discard, rc); err != nil {
		rc.Close()
		return fmt.Errorf("top %d: %w", n, err)
	}
	return rc.Close()
}

// retrHeads is fetchHeads over pipelined RETR: fn gets the header and the
// whole message as one stream.
func (s *syncRun) retrHeads(ctx context.Context, nums []int, fn headFunc) error {
	err := s.c.RetrMany(ctx, nums, func(n int, body io.Reader, rerr error) error {
		if rerr != nil {
			s.warn("message number %d: the server refused RETR: %v", n, rerr)
			return nil
		}
		br := bufio.NewReaderSize(body, 64<<10)
		hb, err := readHeader(br)
		if err != nil {
			return fmt.Errorf("retr %d: %w", n, err)
		}
		return fn(n, hb, io.MultiReader(bytes.NewReader(hb.raw), br))
	})
	if err != nil {
		return fmt.Errorf("download messages: %w", err)
	}
	return nil
}

// matcher finds the stored row a message that appeared under a new UIDL
// belongs to: by Message-ID, size and header hash (the hash and size alone
// for a message without Message-ID); after a mass UIDL change (a server
// migration) also by Message-ID and size alone when that pair is unique
// among the vanished rows.
type matcher struct {
	mass    bool
	strict  map[string][]int64
	loose   map[string][]int64
	used    map[int64]bool
	matched int
}

// newMatcher indexes the rows that vanished from the server.
func newMatcher(gone map[int64]cache.Message, mass bool) *matcher {
	m := &matcher{mass: mass, strict: map[string][]int64{}, loose: map[string][]int64{}, used: map[int64]bool{}}
	// In ID order, so identical messages keep their order under new UIDLs.
	for _, id := range slices.Sorted(maps.Keys(gone)) {
		r := gone[id]
		lk := fmt.Sprintf("%s\x00%d", r.MessageID, r.Size)
		if r.MessageID != "" {
			m.loose[lk] = append(m.loose[lk], id)
		}
		if r.HeaderHash != "" {
			sk := lk + "\x00" + r.HeaderHash
			m.strict[sk] = append(m.strict[sk], id)
		}
	}
	return m
}

// find returns the vanished row this header and size belong to, at most once
// per row.
func (m *matcher) find(header []byte, size int64) (int64, bool) {
	if len(m.strict) == 0 && len(m.loose) == 0 {
		return 0, false
	}
	mid := message.ParseSummary(header).MessageID
	lk := fmt.Sprintf("%s\x00%d", mid, size)
	if id, ok := m.take(m.strict[lk+"\x00"+cache.HeaderHash(header)], false); ok {
		return id, true
	}
	if m.mass && mid != "" {
		return m.take(m.loose[lk], true)
	}
	return 0, false
}

// take claims the first unused candidate; unique requires exactly one.
func (m *matcher) take(ids []int64, unique bool) (int64, bool) {
	if unique && len(ids) != 1 {
		return 0, false
	}
	for _, id := range ids {
		if !m.used[id] {
			m.used[id] = true
			m.matched++
			return id, true
		}
	}
	return 0, false
}

package pop3test

import (
	"io"
	"time"
)

// trickler writes to w at the rate of the Trickle fault, read afresh for
// every write: a tenth of a second's worth at a time.
type trickler struct {
	srv *Server
	w   io.Writer
}

func (t *trickler) Write(p []byte) (int, error) {
	rate := t.srv.Faults().Trickle
	if rate <= 0 {
		return t.w.Write(p)
	}
	step := max(1, rate/10)
	tick := time.Duration(float64(step) / float64(rate) * float64(time.Second))
	done := 0
	for done < len(p) {
		select {
		case <-t.srv.closing:
			return done, io.ErrClosedPipe
		case <-time.After(tick):
		}
		k, err := t.w.Write(p[done:min(len(p), done+step)])
		done += k
		if err != nil {
			return done, err
		}
	}
	return done, nil
}

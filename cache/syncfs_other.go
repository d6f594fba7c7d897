//go:build !linux

package cache

// syncWritten makes the data of written files durable and closes them, one
// fsync each.
func syncWritten(_ string, ws []*written) error {
	var first error
	for _, w := range ws {
		if err := w.sync(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

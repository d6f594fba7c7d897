package cache

import (
	"os"

	"golang.org/x/sys/unix"
)

// syncWritten makes the data of written files durable and closes them. On
// Linux one syncfs(2) on the store's file system covers the whole batch: it
// costs one journal commit where an fsync per file costs one each.
func syncWritten(dir string, ws []*written) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	err = unix.Syncfs(int(d.Fd()))
	for _, w := range ws {
		if cerr := w.f.Close(); err == nil {
			err = cerr
		}
		w.f = nil
	}
	return err
}

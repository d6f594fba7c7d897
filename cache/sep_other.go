//go:build !windows

package cache

// infoSep separates a Maildir file's unique name from its info ("2,FRST").
const infoSep = ":"

package cache

// isSyncUnsupported reports whether err only says that folders cannot be
// fsynced, which Windows refuses while making renames durable by itself.
func isSyncUnsupported(err error) bool { return err != nil }

package cache

// infoSep separates a Maildir file's unique name from its info ("2,FRST").
// Windows forbids ':' in file names; '!' is the common substitute there.
const infoSep = "!"

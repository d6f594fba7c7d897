// Package mailapi holds the types the engine (package mailbox) and its
// callers (the reader, the setup form, the commands) exchange: the index row
// (Summary), the query, the counts, sync progress and results, the result of
// a server probe, and the engine's error kinds.
//
// It is a leaf: it imports only the standard library, so a package that
// talks to the engine through these types and an interface it declares
// itself never compiles the store, SQLite or the POP3 client.
package mailapi

// Package pop3test is a small POP3 server over real TCP on 127.0.0.1, for
// tests and for popterm's demo, in the spirit of net/http/httptest.
//
// It follows RFC 1939 (POP3: AUTHORIZATION, TRANSACTION and UPDATE states,
// dot-stuffed multi-line replies, deletions committed only by QUIT), RFC 2449
// (CAPA, extended response codes, PIPELINING, EXPIRE, LOGIN-DELAY), RFC 2595
// (STLS), RFC 5034 (SASL AUTH) with PLAIN (RFC 4616), LOGIN, CRAM-MD5
// (RFC 2195), XOAUTH2 and OAUTHBEARER (RFC 7628), RFC 3206 (AUTH, SYS/TEMP
// and SYS/PERM codes), RFC 6856 (UTF8) and RFC 8314 (implicit TLS).
//
// A test starts a server and points a client at it:
//
//	md := pop3test.NewMaildrop(
//		pop3test.Message{UID: "a1", Data: []byte("Subject: hi\n\nhello\n")},
//	)
//	srv := pop3test.NewTest(t, pop3test.Config{Maildrop: md})
//	// dial srv.Addr() as user pop3test.DefaultUser, password pop3test.DefaultPassword
//	...
//	srv.Commands() // the verbs the server received, e.g. CAPA, USER, PASS, UIDL, QUIT
//	md.Len()       // what remains after the deletions a QUIT committed
//
// The maildrop is held in memory; ReadMaildir loads one from a Maildir
// folder, and SampleMessages is the demo's built-in mailbox.
//
// Faults (see Faults) make the server misbehave the way real servers do: drop
// a connection in the middle of RETR, stall, refuse STLS, inject bytes after
// the STLS +OK, send wrong sizes, bare LF line ends, duplicate or over-long
// UIDLs, a reply that never ends, refusals with response codes, and more.
// They can be switched at any time with Server.SetFaults. Trickle sends
// every reply at a few bytes per second; BadUIDL gives one message a UIDL
// over any client's bound.
//
// Provider behaviours are Config settings: Gmail (a session lists at most
// GmailBatch messages not yet handed out, mail retrieved once vanishes from
// later listings, and a "recent:" user name lists everything), IdleTimeout
// (Outlook drops a connection idle for about a minute) and
// NoInitialResponse (AUTH must wait for the "+ " challenge).
//
// This package never imports popterm's pop3 client, so the client's own tests
// can use it.
package pop3test

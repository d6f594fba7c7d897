package pop3test

import "time"

// Faults make the server misbehave the way real servers do. The zero value
// is a well-behaved server. Change them at any time with Server.SetFaults;
// a session reads them afresh for every command.
type Faults struct {
	// Greeting, when set, replaces the whole greeting line (without CRLF),
	// e.g. "-ERR go away". A greeting that does not start with "+OK" is
	// followed by closing the connection.
	Greeting string

	// StallOn names a command verb ("RETR", "UIDL", ...) that the server
	// reads but never answers; it then answers nothing more until the client
	// or Server.Close closes the connection. "GREETING" stalls before the
	// greeting.
	StallOn string

	// Delay is waited before each reply (the greeting included).
	Delay time.Duration

	// DropRetrAfter, when above 0, closes the connection after sending that
	// many bytes of a RETR reply's message data (after the "+OK" line).
	DropRetrAfter int

	// EndlessOn names a command verb whose multi-line reply never ends: the
	// real content is followed by filler lines, never by the final ".".
	EndlessOn string

	// RefuseSTLS answers STLS with -ERR even when TLS is configured.
	RefuseSTLS bool

	// InjectAfterSTLS is written right after the "+OK" to STLS, before the
	// TLS handshake, in cleartext (the STARTTLS response-injection attack,
	// CVE-2020-14954). Use CRLF line ends, e.g. "+OK injected\r\n".
	InjectAfterSTLS string

	// ListSizeDelta is added to every size LIST and STAT report, so the
	// sizes no longer match the bytes RETR sends.
	ListSizeDelta int64

	// BareLF ends every line the server sends with LF instead of CRLF.
	BareLF bool

	// NoText sends "+OK" alone, without text, for every positive status line
	// (the greeting included). APOP's timestamp is then absent.
	NoText bool

	// DuplicateUIDLs makes UIDL report message 1's UID for every message.
	DuplicateUIDLs bool

	// LongUIDLs, when above 0, pads every UID UIDL reports to this length
	// (RFC 1939 allows at most 70 characters). Each stays unique.
	LongUIDLs int

	// BadUIDL, when above 0, makes UIDL report message BadUIDL's UID padded
	// past 600 bytes, over any client's bound (the others stay as they are).
	BadUIDL int

	// LoginError, when set, refuses every login (PASS, APOP, AUTH), even
	// with good credentials, with "-ERR " followed by this text, e.g.
	// "[SYS/TEMP] try again later", "[IN-USE] locked",
	// "[LOGIN-DELAY] wait", "[AUTH] bad password".
	LoginError string

	// Trickle, when above 0, sends everything (the greeting, every status
	// line and every multi-line reply) at this many bytes per second, like
	// a server on a saturated link or one that slows abusers down.
	Trickle int

	// CloseAfterFailedLogin closes the connection right after a refused
	// login, as some servers do.
	CloseAfterFailedLogin bool
}

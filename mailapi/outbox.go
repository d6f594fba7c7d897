package mailapi

// Flushed says what one flush of the outbox did (the reader's view of it).
type Flushed struct {
	// Sent were accepted by the submission server and moved to Sent.
	Sent int
	// Failed were refused for good and stay in the outbox as failed.
	Failed int
	// Uncertain may have been sent (no reply after DATA); they stay in the
	// outbox for the user to decide.
	Uncertain int
	// Queued is how many messages the outbox holds after the flush.
	Queued int
	// Reason is the one-line reason a message did not go ("" when all
	// went), already sanitized.
	Reason string
}

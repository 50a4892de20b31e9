// Package rules holds the checks and decisions both SQL backends make
// around their statements, so that the backends differ only in SQL and
// driver calls.
package rules

import (
	"context"
	"fmt"

	"github.com/bansou/bansou/store"
)

// CheckDecision checks a decision on access request id before it is
// written: the status is approved or rejected, and the request exists (the
// lookup's error comes back as it is).
func CheckDecision(ctx context.Context, tx store.Tx, id int64, status string) error {
	if status != store.RequestApproved && status != store.RequestRejected {
		return fmt.Errorf("store: decide access request %d: status %q", id, status)
	}
	_, err := tx.AccessRequest(ctx, id)
	return err
}

// MarkAnswered reports whether closing a session's prompt messages must
// record a closed marker for answeredStep: a step was answered whose
// prompt message is not among those closed (ms).
func MarkAnswered(ms []store.PromptMessage, answeredStep string) bool {
	if answeredStep == "" {
		return false
	}
	for _, m := range ms {
		if m.StepID == answeredStep {
			return false
		}
	}
	return true
}

package cases

import (
	"context"
	"fmt"
	"strings"
)

// Decide records a reviewer's verdict on a candidate of a case the
// reviewer is assigned to.
func (s *Service) Decide(ctx context.Context, a Actor, id, individual string, v Verdict, reason string) (Case, error) {
	reason = strings.TrimSpace(reason)
	return s.change(ctx, a, id, judge, "decision", func(c *Case) (string, map[string]string, error) {
		switch {
		case v != Possible && v != Excluded && v != Identified:
			return "", nil, fmt.Errorf("%w, not %q", ErrNoVerdict, v)
		case reason == "":
			return "", nil, ErrNoReason
		case len(reason) > 2000:
			return "", nil, fmt.Errorf("%w: a reason longer than 2,000 characters", ErrInvalid)
		case c.Status == StatusClosed:
			return "", nil, ErrClosed
		}
		cd, ok := c.Candidate(individual)
		if !ok {
			return "", nil, fmt.Errorf("%w: %s", ErrNoCandidate, individual)
		}
		if v == Identified && cd.Verdict != Possible {
			return "", nil, ErrNotPossible
		}
		d := map[string]string{"verdict": string(v), "reason": reason, "previous": string(cd.Verdict),
			"distance": fmt.Sprintf("%.4f", cd.Distance), "strength": string(cd.Strength)}
		cd.Verdict, cd.Flagged = v, false
		cd.Decisions = append(cd.Decisions, Decision{Verdict: v, Reason: reason, By: a.Name, Role: string(a.Role), At: s.Now()})
		return individual, d, nil
	})
}

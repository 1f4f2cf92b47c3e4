package cases

import (
	"context"
	"fmt"
	"strings"
)

// Decide records a reviewer's verdict on a candidate of a case the
// reviewer is assigned to.
//
// Four eyes (unless the service is set for a single reviewer): an
// identification is made by a reviewer other than the one who marked the
// candidate possible; and an identification is changed or withdrawn only
// when a second reviewer confirms a first one's proposal (the same verdict,
// each with a reason). A proposal is recorded as a decision of its own and
// shown in the candidate's history; the candidate's verdict changes when
// it is confirmed.
func (s *Service) Decide(ctx context.Context, a Actor, id, individual string, v Verdict, reason string) (Case, error) {
	reason = strings.TrimSpace(reason)
	action := "decision"
	return s.change(ctx, a, id, judge, action, func(c *Case) (string, map[string]string, error) {
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
		d := map[string]string{"verdict": string(v), "reason": reason, "previous": string(cd.Verdict),
			"distance": fmt.Sprintf("%.4f", cd.Distance), "strength": string(cd.Strength)}
		decision := Decision{Verdict: v, Reason: reason, By: a.Name, Role: string(a.Role), At: s.Now()}
		switch {
		case v == Identified && cd.Verdict != Possible:
			return "", nil, ErrNotPossible
		case v == Identified && !s.SingleReviewer && cd.MarkedPossibleBy() == a.Name:
			return "", nil, fmt.Errorf("%w: you marked this candidate possible; another reviewer identifies", ErrFourEyes)
		case cd.Verdict == Identified && v != Identified && !s.SingleReviewer:
			// Changing an identification: a proposal, then a second
			// reviewer's confirmation.
			p := cd.Proposal
			switch {
			case p == nil || p.Verdict != v:
				decision.Proposal = true
				cd.Proposal = &decision
				cd.Decisions = append(cd.Decisions, decision)
				d["proposal"] = "true"
				return individual, d, nil
			case p.By == a.Name:
				return "", nil, fmt.Errorf("%w: you proposed this change; another reviewer confirms it", ErrFourEyes)
			}
			decision.Confirms = p.By
			d["confirms"] = p.By
			cd.Proposal = nil
		}
		cd.Verdict, cd.Flagged, cd.Proposal = v, false, nil
		cd.Decisions = append(cd.Decisions, decision)
		return individual, d, nil
	})
}

// MarkedPossibleBy is who last marked the candidate possible.
func (cd *Candidate) MarkedPossibleBy() string {
	for i := len(cd.Decisions) - 1; i >= 0; i-- {
		if d := cd.Decisions[i]; d.Verdict == Possible && !d.Proposal {
			return d.By
		}
	}
	return ""
}

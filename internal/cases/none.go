package cases

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/facetriage/facetriage/internal/search"
)

// ShortlistReview is a reviewer's word on a whole shortlist: that none of
// its candidates is the person. The case stays open and under standing
// search; a candidate found later is flagged for review as usual.
type ShortlistReview struct {
	Verdict string    `json:"verdict"` // "none_of_these"
	Reason  string    `json:"reason"`
	By      string    `json:"by"`
	At      time.Time `json:"at"`
	// Archive is the archive's size the shortlist was made at, and
	// Candidates how many it listed.
	Archive    search.Size `json:"archive"`
	Candidates int         `json:"candidates"`
}

// NoneOfThese records a reviewer's conclusion that none of the shortlist's
// candidates is the person. It needs a reason and a matched shortlist; the
// undecided candidates stay as they are (a reviewer may still decide on
// them), and the case stays under standing search.
func (s *Service) NoneOfThese(ctx context.Context, a Actor, id, reason string) (Case, error) {
	reason = strings.TrimSpace(reason)
	return s.change(ctx, a, id, judge, "shortlist_none_of_these", func(c *Case) (string, map[string]string, error) {
		switch {
		case reason == "":
			return "", nil, ErrNoReason
		case len(reason) > 2000:
			return "", nil, fmt.Errorf("%w: a reason longer than 2,000 characters", ErrInvalid)
		case c.Status == StatusClosed:
			return "", nil, ErrClosed
		case c.Matched.IsZero():
			return "", nil, fmt.Errorf("%w: match the case first", ErrInvalid)
		}
		listed := 0
		for _, cd := range c.Candidates {
			if cd.Listed {
				listed++
			}
		}
		c.Reviews = append(c.Reviews, ShortlistReview{Verdict: "none_of_these", Reason: reason, By: a.Name, At: s.Now(),
			Archive: c.Archive, Candidates: listed})
		for i := range c.Candidates {
			c.Candidates[i].Flagged = false // reviewed, as a whole
		}
		return "", map[string]string{"reason": reason, "candidates": fmt.Sprint(listed),
			"archive_individuals": fmt.Sprint(c.Archive.Individuals), "matched": c.Matched.Format(time.RFC3339)}, nil
	})
}

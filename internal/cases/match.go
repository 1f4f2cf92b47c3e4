package cases

import (
	"context"
	"fmt"

	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/match"
	"github.com/facetriage/facetriage/internal/search"
)

// Match ranks the archive for the case: the shortlist. Any member may ask.
func (s *Service) Match(ctx context.Context, a Actor, id string) (Case, error) {
	return s.match(ctx, a, id, false)
}

// Rematch matches every open case again (after an ingest): new candidates
// at least FlagAt strong are flagged. It returns the cases with new flags.
// Only facetriage itself runs it.
func (s *Service) Rematch(ctx context.Context) (map[string]int, error) {
	cs, err := s.st.list(ctx)
	if err != nil {
		return nil, err
	}
	flagged := map[string]int{}
	for _, c := range cs {
		if c.Status != StatusOpen || len(c.References) == 0 {
			continue
		}
		before := c.Flagged()
		after, err := s.match(ctx, auth.System, c.ID, true)
		if err != nil {
			return flagged, err
		}
		if n := after.Flagged() - before; n > 0 {
			flagged[c.ID] = n
		}
	}
	return flagged, nil
}

func (s *Service) shortlist() int {
	if s.Shortlist <= 0 {
		return 50
	}
	return s.Shortlist
}

func (s *Service) flagAt() match.Strength {
	if s.FlagAt == "" {
		return match.Possible
	}
	return s.FlagAt
}

func rank(st match.Strength) int {
	switch st {
	case match.Strong:
		return 3
	case match.Possible:
		return 2
	case match.Weak:
		return 1
	}
	return 0
}

func (s *Service) match(ctx context.Context, a Actor, id string, standing bool) (Case, error) {
	c, _, err := s.load(ctx, a, id, read)
	if err != nil {
		return c, err
	}
	if c.Status == StatusClosed {
		return Case{}, ErrClosed
	}
	if len(c.References) == 0 {
		return Case{}, fmt.Errorf("%w: add a reference photo first", ErrInvalid)
	}
	ranked, size, excluded, err := s.rankFor(ctx, &c)
	if err != nil {
		return Case{}, err
	}
	action := "search"
	if standing {
		action = "rematch"
	}
	return s.change(ctx, a, id, read, action, func(c *Case) (string, map[string]string, error) {
		if c.Status == StatusClosed {
			return "", nil, ErrClosed
		}
		s.merge(c, ranked, standing)
		c.Archive = size
		return "", map[string]string{"references": fmt.Sprint(len(c.References)),
			"candidates": fmt.Sprint(len(ranked)), "excluded": fmt.Sprint(excluded),
			"archive_faces": fmt.Sprint(size.Faces), "archive_individuals": fmt.Sprint(size.Individuals),
			"none_of_these": fmt.Sprint(search.NoneOfThese(ranked))}, nil
	})
}

// rankFor ranks the archive for c's references: each brings its nearest
// individuals, and an individual's score is its best (search.Candidate.Score) against any
// reference; each is assessed at the archive's size. Excluded individuals
// are left out of the search.
func (s *Service) rankFor(ctx context.Context, c *Case) ([]search.Candidate, search.Size, int, error) {
	size, err := s.Ranker.Size(ctx)
	if err != nil {
		return nil, size, 0, err
	}
	f := c.Filter
	f.ExcludeIndividuals = append(append([]string{}, f.ExcludeIndividuals...), c.Excluded()...)
	best := map[string]search.Candidate{}
	for _, r := range c.References {
		got, err := s.Ranker.Rank(ctx, r.Descriptor, s.shortlist(), f)
		if err != nil {
			return nil, size, 0, err
		}
		for _, g := range got {
			if b, ok := best[g.Individual]; !ok || g.Score < b.Score || (g.Score == b.Score && g.Distance < b.Distance) {
				best[g.Individual] = g
			}
		}
	}
	ranked := make([]search.Candidate, 0, len(best))
	normalised := 0
	for _, g := range best {
		ranked = append(ranked, g)
		if g.Normalised {
			normalised++
		}
	}
	if normalised > 0 && normalised < len(ranked) {
		// The references' searches were scored on two scales (the archive
		// reached min_faces between them, or one had no cohort): one scale
		// for all, the distance, which every candidate has.
		for i := range ranked {
			ranked[i].Score, ranked[i].Normalised = ranked[i].Distance, false
		}
	}
	search.SortByScore(ranked)
	if len(ranked) > s.shortlist() {
		ranked = ranked[:s.shortlist()]
	}
	return s.Ranker.Assess(ranked, searched(size, len(c.References))), size, len(f.ExcludeIndividuals), nil
}

// searched is the archive as a case's words must read it: each of its
// references searches every face, so a case without the person has that
// many chances at each face to show one this close (measured on LFW with
// two references: read at the archive's faces, "possible" was shown in
// 1.11 % of such cases; at twice them, 0.67 %; openset-anyangle, "Two
// reference photos").
func searched(size search.Size, references int) search.Size {
	size.Faces *= max(1, references)
	return size
}

// merge puts a new ranking on c's shortlist: decisions stay, excluded
// candidates never come back, and a standing search flags new candidates
// that are at least FlagAt strong.
func (s *Service) merge(c *Case, ranked []search.Candidate, standing bool) {
	now := s.Now()
	old := map[string]Candidate{}
	for _, cd := range c.Candidates {
		old[cd.Individual] = cd
	}
	var next []Candidate
	listed := map[string]bool{}
	for _, g := range ranked {
		cd, seen := old[g.Individual]
		if cd.Verdict == Excluded {
			continue // never comes back
		}
		cd.Individual, cd.Distance, cd.Photo, cd.Face, cd.Box = g.Individual, g.Distance, g.Photo, g.Face, g.Box
		cd.Photos, cd.Number, cd.Source, cd.Branch, cd.Listed = g.Photos, g.Number, g.Source, g.Branch, true
		cd.Score, cd.Normalised, cd.Strength, cd.FPIR = g.Score, g.Normalised, g.Strength, g.FPIR
		if !seen {
			cd.Verdict, cd.FirstSeen = New, now
			cd.Flagged = standing && rank(cd.Strength) >= rank(s.flagAt())
		}
		next = append(next, cd)
		listed[g.Individual] = true
	}
	// Decided candidates stay on record even when they no longer rank.
	for _, cd := range c.Candidates {
		if !listed[cd.Individual] && len(cd.Decisions) > 0 {
			cd.Listed = false
			next = append(next, cd)
		}
	}
	c.Candidates, c.Matched = next, now
}

package cases

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/engine"
	"github.com/facetriage/facetriage/internal/face"
	"github.com/facetriage/facetriage/internal/match"
	"github.com/facetriage/facetriage/internal/search"
	"github.com/facetriage/facetriage/internal/vector"
)

// Actor is who does something: a user's name and role.
type Actor struct {
	Name string
	Role string
}

// Engine embeds reference photos.
type Engine interface {
	Embed(ctx context.Context, data []byte) (engine.Result, error)
}

// Ranker ranks individuals for a descriptor (search.Searcher).
type Ranker interface {
	Rank(ctx context.Context, d face.Descriptor, top int, f vector.Filter) ([]search.Candidate, error)
}

// Auditor appends to the audit trail (audit.Log).
type Auditor interface {
	Append(ctx context.Context, e audit.Event) (audit.Event, error)
}

// Service runs casework.
type Service struct {
	st         *store
	Engine     Engine
	Ranker     Ranker
	Audit      Auditor
	Thresholds match.Thresholds
	// Shortlist is how many individuals each reference brings (default 50).
	Shortlist int
	// FlagAt is the weakest strength a standing search flags (default possible).
	FlagAt match.Strength
	Now    func() time.Time
}

// Open binds the service to its buckets, creating them if needed.
func Open(ctx context.Context, js jetstream.JetStream, replicas int) (*Service, error) {
	st, err := openStore(ctx, js, replicas)
	if err != nil {
		return nil, err
	}
	return &Service{st: st, Thresholds: match.Default(), Now: func() time.Time { return time.Now().UTC() }}, nil
}

func (s *Service) audit(ctx context.Context, a Actor, action, caseID, object string, detail map[string]string) error {
	if s.Audit == nil {
		return errors.New("cases: no audit trail configured")
	}
	_, err := s.Audit.Append(ctx, audit.Event{Actor: a.Name, Role: a.Role, Action: action, Case: caseID, Object: object, Detail: detail})
	if err != nil {
		return fmt.Errorf("cases: audit: %w", err)
	}
	return nil
}

// Fields are what a caseworker writes about a case.
type Fields struct {
	Name          string        `json:"name"`
	DisappearedOn string        `json:"disappeared_on"`
	DisappearedAt string        `json:"disappeared_at"`
	Notes         string        `json:"notes"`
	Contact       string        `json:"contact"`
	Filter        vector.Filter `json:"filter"`
}

func (f Fields) validate() error {
	if strings.TrimSpace(f.Name) == "" {
		return fmt.Errorf("%w: the missing person's name is required", ErrInvalid)
	}
	for _, v := range []string{f.Name, f.DisappearedAt, f.Contact} {
		if len(v) > 500 {
			return fmt.Errorf("%w: a field is longer than 500 characters", ErrInvalid)
		}
	}
	if len(f.Notes) > 10000 {
		return fmt.Errorf("%w: notes longer than 10,000 characters", ErrInvalid)
	}
	if f.DisappearedOn != "" {
		if _, err := time.Parse("2006-01-02", f.DisappearedOn); err != nil {
			return fmt.Errorf("%w: date of disappearance %q: want YYYY-MM-DD", ErrInvalid, f.DisappearedOn)
		}
	}
	return nil
}

// Create opens a case owned by the caseworker a.
func (s *Service) Create(ctx context.Context, a Actor, f Fields) (Case, error) {
	if err := f.validate(); err != nil {
		return Case{}, err
	}
	now := s.Now()
	c := Case{ID: newID(), Name: strings.TrimSpace(f.Name), Status: StatusOpen, DisappearedOn: f.DisappearedOn,
		DisappearedAt: f.DisappearedAt, Notes: f.Notes, Contact: f.Contact, Filter: f.Filter, Owner: a.Name,
		Shown: map[string]Shown{}, Created: now, Updated: now}
	if err := s.st.create(ctx, c); err != nil {
		return c, err
	}
	return c, s.audit(ctx, a, "case_create", c.ID, "", map[string]string{"name": c.Name})
}

// Update changes a case's fields.
func (s *Service) Update(ctx context.Context, a Actor, id string, f Fields) (Case, error) {
	if err := f.validate(); err != nil {
		return Case{}, err
	}
	c, err := s.st.update(ctx, id, s.Now(), func(c *Case) error {
		c.Name, c.DisappearedOn, c.DisappearedAt, c.Notes, c.Contact, c.Filter =
			strings.TrimSpace(f.Name), f.DisappearedOn, f.DisappearedAt, f.Notes, f.Contact, f.Filter
		return nil
	})
	if err != nil {
		return c, err
	}
	return c, s.audit(ctx, a, "case_update", id, "", nil)
}

// SetStatus opens or closes a case.
func (s *Service) SetStatus(ctx context.Context, a Actor, id string, st Status) (Case, error) {
	if st != StatusOpen && st != StatusClosed {
		return Case{}, fmt.Errorf("%w: status %q", ErrInvalid, st)
	}
	c, err := s.st.update(ctx, id, s.Now(), func(c *Case) error { c.Status = st; return nil })
	if err != nil {
		return c, err
	}
	return c, s.audit(ctx, a, "case_"+string(st), id, "", nil)
}

// Get returns a case.
func (s *Service) Get(ctx context.Context, id string) (Case, error) {
	c, _, err := s.st.get(ctx, id)
	return c, err
}

// List returns every case, newest first.
func (s *Service) List(ctx context.Context) ([]Case, error) { return s.st.list(ctx) }

// AddReference adds a family photo. With several faces in it, faceIndex
// chooses one; -1 asks for the only face, and a *PickFaceError lists the
// faces when there are more.
func (s *Service) AddReference(ctx context.Context, a Actor, id string, photo []byte, faceIndex int, child, old bool) (Case, error) {
	res, err := s.Engine.Embed(ctx, photo)
	if err != nil {
		return Case{}, fmt.Errorf("cases: reference photo: %w", err)
	}
	if len(res.Faces) == 0 {
		return Case{}, ErrNoFace
	}
	if faceIndex < 0 && len(res.Faces) > 1 || faceIndex >= len(res.Faces) {
		pe := &PickFaceError{Width: res.Width, Height: res.Height}
		for i, f := range res.Faces {
			b := f.Box.Rect()
			pe.Faces = append(pe.Faces, FaceChoice{Index: i, Box: [4]int{b.Min.X, b.Min.Y, b.Max.X, b.Max.Y}, Size: f.Size})
		}
		return Case{}, pe
	}
	if faceIndex < 0 {
		faceIndex = 0
	}
	sum := sha256.Sum256(photo)
	sha := hex.EncodeToString(sum[:])
	if err := s.st.putRef(ctx, id, sha, photo); err != nil {
		return Case{}, err
	}
	ref := Reference{ID: sha, Face: faceIndex, Descriptor: res.Faces[faceIndex].Descriptor, Child: child, Old: old,
		Added: s.Now(), AddedBy: a.Name}
	for _, f := range res.Faces {
		ref.Faces = append(ref.Faces, f.Box)
	}
	c, err := s.st.update(ctx, id, s.Now(), func(c *Case) error {
		if c.Status == StatusClosed {
			return ErrClosed
		}
		for i, r := range c.References {
			if r.ID == sha {
				c.References[i] = ref // the same photo, another face
				return nil
			}
		}
		c.References = append(c.References, ref)
		return nil
	})
	if err != nil {
		return c, err
	}
	return c, s.audit(ctx, a, "reference_add", id, sha, map[string]string{"face": fmt.Sprint(faceIndex)})
}

// ReferencePhoto returns a reference photo's bytes.
func (s *Service) ReferencePhoto(ctx context.Context, a Actor, id, sha string) ([]byte, error) {
	c, err := s.Get(ctx, id)
	if err != nil {
		return nil, err
	}
	found := false
	for _, r := range c.References {
		found = found || r.ID == sha
	}
	if !found {
		return nil, fmt.Errorf("%w: reference %s", ErrNotFound, sha)
	}
	b, err := s.st.ref(ctx, id, sha)
	if err != nil {
		return nil, err
	}
	if err := s.CountShown(ctx, a, id, "reference", sha, false); err != nil {
		return nil, err
	}
	return b, nil
}

// Match ranks the archive for the case: the shortlist.
func (s *Service) Match(ctx context.Context, a Actor, id string) (Case, error) {
	return s.match(ctx, a, id, false)
}

// Rematch matches every open case again (after an ingest): new candidates
// at least FlagAt strong are flagged. It returns the cases with new flags.
func (s *Service) Rematch(ctx context.Context, a Actor) (map[string]int, error) {
	cs, err := s.List(ctx)
	if err != nil {
		return nil, err
	}
	flagged := map[string]int{}
	for _, c := range cs {
		if c.Status != StatusOpen || len(c.References) == 0 {
			continue
		}
		before := c.Flagged()
		after, err := s.match(ctx, a, c.ID, true)
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
	c, err := s.Get(ctx, id)
	if err != nil {
		return c, err
	}
	if c.Status == StatusClosed {
		return c, ErrClosed
	}
	if len(c.References) == 0 {
		return c, fmt.Errorf("%w: add a reference photo first", ErrInvalid)
	}
	f := c.Filter
	f.ExcludeIndividuals = append(append([]string{}, f.ExcludeIndividuals...), c.Excluded()...)
	// Each reference brings its nearest individuals; an individual's
	// distance is its nearest to any reference.
	best := map[string]search.Candidate{}
	for _, r := range c.References {
		got, err := s.Ranker.Rank(ctx, r.Descriptor, s.shortlist(), f)
		if err != nil {
			return c, err
		}
		for _, g := range got {
			if b, ok := best[g.Individual]; !ok || g.Distance < b.Distance {
				best[g.Individual] = g
			}
		}
	}
	ranked := make([]search.Candidate, 0, len(best))
	for _, g := range best {
		ranked = append(ranked, g)
	}
	sort.Slice(ranked, func(i, j int) bool {
		if ranked[i].Distance != ranked[j].Distance {
			return ranked[i].Distance < ranked[j].Distance
		}
		return ranked[i].Individual < ranked[j].Individual
	})
	if len(ranked) > s.shortlist() {
		ranked = ranked[:s.shortlist()]
	}
	now := s.Now()
	c, err = s.st.update(ctx, id, now, func(c *Case) error {
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
			cd.Strength = s.Thresholds.Of(g.Distance)
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
		return nil
	})
	if err != nil {
		return c, err
	}
	action := "search"
	if standing {
		action = "rematch"
	}
	return c, s.audit(ctx, a, action, id, "", map[string]string{"references": fmt.Sprint(len(c.References)),
		"candidates": fmt.Sprint(len(ranked)), "excluded": fmt.Sprint(len(f.ExcludeIndividuals))})
}

// Decide records a reviewer's verdict on a candidate.
func (s *Service) Decide(ctx context.Context, a Actor, id, individual string, v Verdict, reason string) (Case, error) {
	switch v {
	case Possible, Excluded, Identified:
	default:
		return Case{}, fmt.Errorf("%w: verdict %q: want possible, excluded or identified", ErrInvalid, v)
	}
	if strings.TrimSpace(reason) == "" {
		return Case{}, fmt.Errorf("%w: a decision needs a reason", ErrInvalid)
	}
	c, err := s.st.update(ctx, id, s.Now(), func(c *Case) error {
		if c.Status == StatusClosed {
			return ErrClosed
		}
		cd, ok := c.Candidate(individual)
		if !ok {
			return fmt.Errorf("%w: %s", ErrNoCandidate, individual)
		}
		if v == Identified && cd.Verdict != Possible {
			return ErrNotPossible
		}
		cd.Verdict, cd.Flagged = v, false
		cd.Decisions = append(cd.Decisions, Decision{Verdict: v, Reason: strings.TrimSpace(reason), By: a.Name, Role: a.Role, At: s.Now()})
		return nil
	})
	if err != nil {
		return c, err
	}
	return c, s.audit(ctx, a, "decision", id, individual, map[string]string{"verdict": string(v), "reason": reason})
}

// CountShown records that a was shown an image in a case: the audit trail
// gets what and how (blurred or revealed), the case its counts.
func (s *Service) CountShown(ctx context.Context, a Actor, id, kind, object string, revealed bool) error {
	_, err := s.st.update(ctx, id, s.Now(), func(c *Case) error {
		if c.Shown == nil {
			c.Shown = map[string]Shown{}
		}
		sh := c.Shown[a.Name]
		switch {
		case kind == "reference":
			sh.References++
		case kind == "photo":
			sh.FullPhotos++
		case revealed:
			sh.RevealedCrops++
		default:
			sh.BlurredCrops++
		}
		c.Shown[a.Name] = sh
		return nil
	})
	if err != nil {
		return err
	}
	return s.audit(ctx, a, "view", id, object, map[string]string{"shown": kind, "revealed": fmt.Sprint(revealed)})
}

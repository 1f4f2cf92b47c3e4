package cases

import (
	"context"
	"crypto/ed25519"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/nats-io/nats.go/jetstream"

	"github.com/facetriage/facetriage/internal/archive"
	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/engine"
	"github.com/facetriage/facetriage/internal/face"
	"github.com/facetriage/facetriage/internal/match"
	"github.com/facetriage/facetriage/internal/search"
	"github.com/facetriage/facetriage/internal/vector"
)

// Engine embeds reference photos.
type Engine interface {
	Embed(ctx context.Context, data []byte) (engine.Result, error)
}

// Ranker ranks individuals for a descriptor, and says what their
// distances mean at the archive's size (search.Searcher).
type Ranker interface {
	Rank(ctx context.Context, d face.Descriptor, top int, f vector.Filter) ([]search.Candidate, error)
	Size(ctx context.Context) (search.Size, error)
	Assess(cs []search.Candidate, size search.Size) []search.Candidate
}

// Auditor appends to the audit trail (audit.Log).
type Auditor interface {
	Append(ctx context.Context, e audit.Event) (audit.Event, error)
}

// Archive is what casework reads of the archive (archive.Catalogue).
type Archive interface {
	Photo(ctx context.Context, sha string) (archive.Photo, error)
	Individual(ctx context.Context, key string) (archive.Individual, error)
	FacesOf(ctx context.Context, p archive.Photo) ([]archive.FaceRecord, error)
	Crop(ctx context.Context, name string) ([]byte, error)
}

// Directory says who has an account (auth.Store).
type Directory interface {
	Account(ctx context.Context, name string) (auth.User, error)
}

// Service is casework. Every method takes the actor, checks that it may
// act on the case (its role, and its membership of the case), and writes
// its own audit records: the HTTP API, the web UI and the command line
// only translate.
//
// Reads are audited before their answer is returned, so that nothing is
// shown that the trail does not hold; changes are audited before they are
// saved, and a change that then fails to save is recorded as failed.
type Service struct {
	st     *store
	shown  shownLog
	locks  caseLocks
	Engine Engine
	Ranker Ranker
	Audit  Auditor
	// Archive serves crops, originals and records of the archive.
	Archive Archive
	// Accounts checks the people a case is shared with.
	Accounts Directory
	// Trail reads a case's audit records, and verifies the trail, for an
	// export.
	Trail Trail
	// SigningKey signs evidence exports (the installation's key).
	SigningKey ed25519.PrivateKey
	// Blur makes a face crop grey and/or blurred (goimg.Obscure).
	Blur       func(jpeg []byte, grey, blur bool) ([]byte, error)
	Thresholds match.Thresholds
	// Shortlist is how many individuals each reference brings (default 50).
	Shortlist int
	// FlagAt is the weakest strength a standing search flags (default possible).
	FlagAt match.Strength
	// SingleReviewer lets one reviewer identify a candidate they marked
	// possible, and change an identification alone (small teams); by
	// default a second reviewer must (Decide).
	SingleReviewer bool
	Now            func() time.Time
}

// Open binds the service to its buckets, creating them if needed.
func Open(ctx context.Context, js jetstream.JetStream, replicas int) (*Service, error) {
	st, err := openStore(ctx, js, replicas)
	if err != nil {
		return nil, err
	}
	sh, err := openShown(ctx, js, replicas)
	if err != nil {
		return nil, err
	}
	return &Service{st: st, shown: sh, Thresholds: match.Default(), Now: func() time.Time { return time.Now().UTC() }}, nil
}

// audit appends one record for a. A token's records name the token and,
// in their detail, its owner.
func (s *Service) audit(ctx context.Context, a Actor, action, caseID, object string, detail map[string]string) error {
	if s.Audit == nil {
		return errors.New("cases: no audit trail configured")
	}
	if _, err := s.Audit.Append(ctx, a.Event(action, caseID, object, detail)); err != nil {
		return fmt.Errorf("cases: audit: %w", err)
	}
	return nil
}

// load reads a case that a may access as n needs.
func (s *Service) load(ctx context.Context, a Actor, id string, n need) (Case, uint64, error) {
	c, rev, err := s.st.get(ctx, id)
	if err != nil {
		return c, 0, err
	}
	if err := allow(a, &c, n); err != nil {
		// Recorded, best effort: a colleague probing cases they do not
		// work leaves a trace, though the answer tells them nothing.
		why := "not a member"
		if errors.Is(err, ErrForbidden) {
			why = "role in the case: " + n.String()
		}
		_ = s.audit(ctx, a, "denied", id, "", map[string]string{"why": why})
		return Case{}, 0, err
	}
	return c, rev, nil
}

// edit is what a change does to a case: it edits c and says what to
// record (object and detail); an error leaves the case as it was.
type edit func(c *Case) (object string, detail map[string]string, err error)

// change applies fn to case id for a, who must be allowed n: it records
// the change in the audit trail first, then saves it under the case's
// revision. A change that cannot be saved is recorded as failed; one that
// lost to a concurrent writer (another process) is tried again on the new
// version, and recorded again.
func (s *Service) change(ctx context.Context, a Actor, id string, n need, action string, fn edit) (Case, error) {
	unlock := s.locks.lock(id)
	defer unlock()
	for attempt := 1; ; attempt++ {
		c, rev, err := s.load(ctx, a, id, n)
		if err != nil {
			return Case{}, err
		}
		object, detail, err := fn(&c)
		if err != nil {
			return Case{}, err
		}
		c.Updated = s.Now()
		if err := s.audit(ctx, a, action, id, object, detail); err != nil {
			return Case{}, err
		}
		err = s.st.put(ctx, c, rev)
		if err == nil {
			return forRole(c, a), nil
		}
		// Best effort: the record of the attempt stands either way.
		_ = s.audit(ctx, a, "change_failed", id, object, map[string]string{"action": action, "error": err.Error()})
		if !errors.Is(err, ErrConflict) || attempt == 5 {
			return Case{}, err
		}
	}
}

// caseLocks serialises this process's changes to each case, so that
// concurrent requests queue instead of conflicting.
type caseLocks struct {
	mu    sync.Mutex
	locks map[string]*caseLock
}

type caseLock struct {
	mu      sync.Mutex
	waiters int
}

func (l *caseLocks) lock(id string) (unlock func()) {
	l.mu.Lock()
	if l.locks == nil {
		l.locks = map[string]*caseLock{}
	}
	cl := l.locks[id]
	if cl == nil {
		cl = &caseLock{}
		l.locks[id] = cl
	}
	cl.waiters++
	l.mu.Unlock()
	cl.mu.Lock()
	return func() {
		cl.mu.Unlock()
		l.mu.Lock()
		if cl.waiters--; cl.waiters == 0 {
			delete(l.locks, id)
		}
		l.mu.Unlock()
	}
}

// Get returns a case to one of its members, as their role may see it.
// Reading a case is audited: it holds a family's details.
func (s *Service) Get(ctx context.Context, a Actor, id string) (Case, error) {
	c, _, err := s.load(ctx, a, id, read)
	if err != nil {
		return Case{}, err
	}
	if err := s.audit(ctx, a, "case_read", id, "", nil); err != nil {
		return Case{}, err
	}
	return forRole(c, a), nil
}

// List returns the cases a is a member of, newest first, as a's role may
// see them.
func (s *Service) List(ctx context.Context, a Actor) ([]Case, error) {
	all, err := s.st.list(ctx)
	if err != nil {
		return nil, err
	}
	out := []Case{}
	for _, c := range all {
		if allow(a, &c, read) == nil {
			out = append(out, forRole(c, a))
		}
	}
	return out, nil
}

// CheckWork checks that a works the case (one of its caseworkers).
func (s *Service) CheckWork(ctx context.Context, a Actor, id string) error {
	_, _, err := s.load(ctx, a, id, work)
	return err
}

// Shown is what a was shown in a case (distinct images).
func (s *Service) Shown(ctx context.Context, a Actor, id string) (Shown, error) {
	if _, _, err := s.load(ctx, a, id, read); err != nil {
		return Shown{}, err
	}
	return s.shown.count(ctx, id, a.Name)
}

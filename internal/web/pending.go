package web

import (
	"crypto/rand"
	"encoding/hex"
	"sync"
	"time"

	"github.com/facetriage/facetriage/internal/cases"
)

// pendingRef is a reference photo with several faces, kept in memory
// while its uploader chooses the face. Nothing of it is written anywhere.
type pendingRef struct {
	Case, User    string
	Photo         []byte
	Faces         []cases.FaceChoice
	Width, Height int
	Child, Old    bool
	expires       time.Time
}

// pendingStore keeps pendingRefs for a while (ttl), at most max of them:
// the oldest goes first.
type pendingStore struct {
	mu  sync.Mutex
	m   map[string]*pendingRef
	ttl time.Duration
	max int
	now func() time.Time
}

func newPendingStore(ttl time.Duration, max int) *pendingStore {
	return &pendingStore{m: map[string]*pendingRef{}, ttl: ttl, max: max, now: time.Now}
}

func pendingKey(caseID, id string) string { return caseID + "/" + id }

// put keeps p and returns its random id.
func (s *pendingStore) put(p pendingRef) string {
	b := make([]byte, 16)
	_, _ = rand.Read(b) // crypto/rand does not fail
	id := hex.EncodeToString(b)
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now()
	s.sweep(now)
	for len(s.m) >= s.max {
		oldest := ""
		for k, v := range s.m {
			if oldest == "" || v.expires.Before(s.m[oldest].expires) {
				oldest = k
			}
		}
		delete(s.m, oldest)
	}
	p.expires = now.Add(s.ttl)
	s.m[pendingKey(p.Case, id)] = &p
	return id
}

// get returns the pending photo id of a case, for its uploader only.
func (s *pendingStore) get(caseID, id, user string) (pendingRef, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sweep(s.now())
	p, ok := s.m[pendingKey(caseID, id)]
	if !ok || p.User != user {
		return pendingRef{}, false
	}
	return *p, true
}

func (s *pendingStore) drop(caseID, id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.m, pendingKey(caseID, id))
}

func (s *pendingStore) sweep(now time.Time) {
	for k, v := range s.m {
		if !now.Before(v.expires) {
			delete(s.m, k)
		}
	}
}

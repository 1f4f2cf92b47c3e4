package dedup

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math"
	"slices"
	"sync/atomic"
	"time"

	"github.com/facetriage/facetriage/internal/archive"
	"github.com/facetriage/facetriage/internal/face"
)

// Catalogue is what the linker needs of archive.Catalogue.
type Catalogue interface {
	Photo(ctx context.Context, sha string) (archive.Photo, error)
	Update(ctx context.Context, sha string, fn func(*archive.Photo) error) (archive.Photo, error)
	FacesOf(ctx context.Context, p archive.Photo) ([]archive.FaceRecord, error)
	PutFaces(ctx context.Context, fs []archive.FaceRecord) error
	UpdateIndividual(ctx context.Context, key string, fn func(*archive.Individual) error) (archive.Individual, error)
	RegisterHash(ctx context.Context, e archive.HashEntry) (uint64, error)
	WatchHashes(ctx context.Context, fn func(archive.HashEntry, uint64)) (<-chan struct{}, error)
}

var _ Catalogue = (*archive.Catalogue)(nil)

// Errors of Resolve. Both are transient: the index stage retries later.
var (
	// ErrNotRunning: Resolve was called while Run is not running.
	ErrNotRunning = errors.New("dedup: the near-duplicate index is not running")
	// ErrOriginalPending: an earlier photo that this one copies has not
	// been settled yet (its index stage is running, or waiting to retry).
	ErrOriginalPending = errors.New("dedup: the original is not settled yet")
)

// DefaultSettleWait is how long Resolve waits for an earlier photo to be
// settled before it gives up with ErrOriginalPending.
const DefaultSettleWait = 10 * time.Second

// Linker decides, for each photo the index stage writes, whether it is a
// near-duplicate of a photo registered before it, and which individual
// each of its faces belongs to. It is safe for concurrent use, and correct
// with several index workers in several processes: each photo is
// registered in the catalogue's hash bucket before it looks for its
// originals, so of two copies the later one always sees the earlier.
type Linker struct {
	Catalogue Catalogue
	Log       *slog.Logger
	// SettleWait: DefaultSettleWait when zero.
	SettleWait time.Duration

	index   *Index
	running atomic.Int32
}

// NewLinker returns a linker; Run must run for Resolve to work.
func NewLinker(cat Catalogue, log *slog.Logger) *Linker {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Linker{Catalogue: cat, Log: log, index: NewIndex()}
}

// Index is the linker's in-memory index.
func (l *Linker) Index() *Index { return l.index }

// Run fills the index from the catalogue, and keeps it current, until ctx
// ends.
func (l *Linker) Run(ctx context.Context) error {
	done, err := l.Catalogue.WatchHashes(ctx, l.index.Add)
	if err != nil {
		return fmt.Errorf("dedup: %w", err)
	}
	l.running.Add(1)
	defer l.running.Add(-1)
	<-done
	return nil
}

// Decision is what Resolve decided for one photo.
type Decision struct {
	// Original is the photo this one is a copy of, or "".
	Original string
	// CopyFaces maps each face to the original's (archive.Photo.CopyFaces).
	CopyFaces []int
	// Individuals is the individual of each face.
	Individuals []string
	// Rekeyed are other photos' faces whose individual changed (a numbered
	// copy gave the original's face its number), already written: the
	// caller re-indexes them with their photos.
	Rekeyed []Rekeyed
}

// Rekeyed is a photo's faces whose individual changed.
type Rekeyed struct {
	Photo archive.Photo
	Faces []archive.FaceRecord
}

// Resolve registers the photo with its faces' descriptors (by face index),
// looks for the photo it copies, and decides each face's individual:
//   - a photo that copies none: its own (archive.Photo.Individual);
//   - a copy without a number: the individual of the original's face
//     (its anchor), so that a search shows the person once;
//   - a copy with a number: its number. When the original's face had only
//     its own individual, the number becomes the anchor, and the original's
//     face and the unnumbered copies' move to it (Rekeyed). When it already
//     had another number (another source, branch or number), both keep
//     their numbers and each individual names the other (AlsoFiledAs): two
//     numbered records of one photograph are evidence of a circulated copy,
//     for a reviewer.
//
// It writes the original's record (Copies, Anchors) but not this photo's:
// the caller writes the face records, then Settle.
func (l *Linker) Resolve(ctx context.Context, p archive.Photo, faces []face.Descriptor) (Decision, error) {
	dec := Decision{Individuals: make([]string, len(faces))}
	for i := range faces {
		dec.Individuals[i] = p.Individual(i)
	}
	if l.running.Load() == 0 {
		return dec, ErrNotRunning
	}
	rev, err := l.Catalogue.RegisterHash(ctx, archive.HashEntry{Photo: p.SHA256, PHash: p.PHash, Faces: archive.Pack(faces)})
	if err != nil {
		return dec, fmt.Errorf("dedup: %w", err)
	}
	wctx, cancel := context.WithTimeout(ctx, l.settleWait())
	err = l.index.WaitFor(wctx, rev)
	cancel()
	if err != nil {
		return dec, fmt.Errorf("dedup: the index has not reached this photo's entry: %w", err)
	}
	h, has := ParseHash(p.PHash)
	// Of the earlier photos that the faces confirm, one whose hash is near
	// too, if any: a re-encoded copy is nearer by its face to a crop of
	// the same photograph that was missed (registered as a photograph of
	// its own) than to the original, whose hash it shares. Then the one
	// whose faces lie nearest: a crop can come within FaceNear of another
	// photograph of the same moment, never nearer than of its own original.
	var best *Candidate
	var bestPairs []int
	bestDist, bestHashed := math.Inf(1), false
	for _, c := range l.index.Near(h, has, faces, rev) {
		if c.Photo == p.SHA256 {
			continue
		}
		pairs, ok := Confirm(faces, c.Faces, c.HashBits)
		if !ok {
			continue
		}
		hashed := c.HashBits >= 0 && c.HashBits <= HashNear
		if d := meanDistance(faces, c.Faces, pairs); hashed && !bestHashed || hashed == bestHashed && d < bestDist {
			best, bestPairs, bestDist, bestHashed = &c, pairs, d, hashed
		}
	}
	if best == nil {
		return dec, nil
	}
	cp, ok, err := l.settled(ctx, best.Photo)
	if err != nil || !ok {
		return dec, err
	}
	root, mapping := best.Photo, bestPairs
	if cp.DuplicateOf != "" { // a copy itself: map to its original
		root, mapping = cp.DuplicateOf, make([]int, len(bestPairs))
		for i, j := range bestPairs {
			mapping[i] = -1
			if j >= 0 && j < len(cp.CopyFaces) {
				mapping[i] = cp.CopyFaces[j]
			}
		}
	}
	if !slices.ContainsFunc(mapping, func(j int) bool { return j >= 0 }) {
		return dec, nil
	}
	l.Log.Debug("near-duplicate", "photo", p.SHA256, "original", root, "via", best.Photo, "hash_bits", best.HashBits, "face_distance", bestDist)
	return dec, l.join(ctx, p, root, mapping, &dec)
}

// meanDistance is the mean distance of the paired faces.
func meanDistance(a, b []face.Descriptor, pairs []int) float64 {
	var sum float64
	n := 0
	for i, j := range pairs {
		if j >= 0 {
			sum += a[i].Distance(b[j])
			n++
		}
	}
	return sum / float64(max(1, n))
}

// settled waits until a photo's index stage has settled it; ok is false
// for a photo that left the pipeline without faces.
func (l *Linker) settled(ctx context.Context, sha string) (archive.Photo, bool, error) {
	deadline := time.Now().Add(l.settleWait())
	for delay := 20 * time.Millisecond; ; delay = min(2*delay, 500*time.Millisecond) {
		p, err := l.Catalogue.Photo(ctx, sha)
		if errors.Is(err, archive.ErrNotFound) {
			return p, false, nil
		}
		if err != nil {
			return p, false, fmt.Errorf("dedup: %w", err)
		}
		switch {
		case !p.Deduped.IsZero() || p.Status == archive.StatusIndexed:
			return p, true, nil // (indexed: also a photo indexed before near-duplicates were looked for)
		case p.Status == archive.StatusFailed || p.Status == archive.StatusNoFace:
			return p, false, nil
		case time.Now().After(deadline):
			return p, false, fmt.Errorf("%w: %s", ErrOriginalPending, sha)
		}
		select {
		case <-ctx.Done():
			return p, false, ctx.Err()
		case <-time.After(delay):
		}
	}
}

func (l *Linker) settleWait() time.Duration {
	if l.SettleWait > 0 {
		return l.SettleWait
	}
	return DefaultSettleWait
}

// join links p to its original root and decides its faces' individuals.
func (l *Linker) join(ctx context.Context, p archive.Photo, root string, mapping []int, dec *Decision) error {
	numbered := p.Name.Number != ""
	var own string
	if numbered {
		own = p.Individual(0)
	}
	var inds, others []string
	var anchoredOwn []int // original's faces whose anchor is this photo's number
	r, err := l.Catalogue.Update(ctx, root, func(r *archive.Photo) error {
		inds, others, anchoredOwn = make([]string, len(mapping)), nil, nil
		if len(r.Anchors) != r.Faces {
			r.Anchors = make([]string, r.Faces)
			for j := range r.Anchors {
				r.Anchors[j] = r.Individual(j)
			}
		}
		for i, j := range mapping {
			inds[i] = p.Individual(i)
			if j < 0 || j >= len(r.Anchors) {
				continue
			}
			a := r.Anchors[j]
			switch {
			case !numbered:
				inds[i] = a
			case archive.IsFaceIndividual(a):
				r.Anchors[j] = own
				anchoredOwn = append(anchoredOwn, j)
			case a == own:
				anchoredOwn = append(anchoredOwn, j)
			default:
				others = append(others, a)
			}
		}
		if !slices.Contains(r.Copies, p.SHA256) {
			r.Copies = append(r.Copies, p.SHA256)
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("dedup: %w", err)
	}
	dec.Original, dec.CopyFaces, dec.Individuals = root, mapping, inds
	for _, j := range anchoredOwn { // idempotent: also finishes a rekey a crash cut short
		rk, err := l.rekey(ctx, r, j, own)
		if err != nil {
			return err
		}
		dec.Rekeyed = append(dec.Rekeyed, rk...)
	}
	for _, o := range others {
		if err := l.alsoFiled(ctx, own, o); err != nil {
			return err
		}
	}
	return nil
}

// rekey moves the original's face j, and the faces of its unnumbered
// copies that show it, to the individual key.
func (l *Linker) rekey(ctx context.Context, root archive.Photo, j int, key string) ([]Rekeyed, error) {
	var out []Rekeyed
	for _, sha := range append([]string{root.SHA256}, root.Copies...) {
		m := root
		if sha != root.SHA256 {
			var err error
			if m, err = l.Catalogue.Photo(ctx, sha); err != nil {
				return out, fmt.Errorf("dedup: %w", err)
			}
		}
		if m.Name.Number != "" || m.Deduped.IsZero() {
			continue // a number is kept; a copy not settled yet reads the new anchor (Verify)
		}
		recs, err := l.Catalogue.FacesOf(ctx, m)
		if err != nil {
			return out, fmt.Errorf("dedup: %w", err)
		}
		var changed []archive.FaceRecord
		var old []string
		for _, f := range recs {
			shows := sha == root.SHA256 && f.Index == j ||
				sha != root.SHA256 && f.Index < len(m.CopyFaces) && m.CopyFaces[f.Index] == j
			if shows && f.Individual != key {
				old = append(old, f.Individual)
				f.Individual = key
				changed = append(changed, f)
			}
		}
		if len(changed) == 0 {
			continue
		}
		if err := l.Catalogue.PutFaces(ctx, changed); err != nil {
			return out, fmt.Errorf("dedup: %w", err)
		}
		for _, o := range old {
			if !archive.IsFaceIndividual(o) {
				continue
			}
			if _, err := l.Catalogue.UpdateIndividual(ctx, o, func(ind *archive.Individual) error {
				ind.MergedInto = key
				return nil
			}); err != nil {
				return out, fmt.Errorf("dedup: %w", err)
			}
		}
		out = append(out, Rekeyed{Photo: m, Faces: changed})
	}
	return out, nil
}

// alsoFiled records on two numbered individuals that they hold one
// photograph.
func (l *Linker) alsoFiled(ctx context.Context, a, b string) error {
	for _, kv := range [][2]string{{a, b}, {b, a}} {
		if _, err := l.Catalogue.UpdateIndividual(ctx, kv[0], func(ind *archive.Individual) error {
			if !slices.Contains(ind.AlsoFiledAs, kv[1]) {
				ind.AlsoFiledAs = append(ind.AlsoFiledAs, kv[1])
			}
			return nil
		}); err != nil {
			return fmt.Errorf("dedup: %w", err)
		}
	}
	return nil
}

// Settle records on the photo's record what Resolve decided, once its face
// records are written: a later copy waits for it.
func (l *Linker) Settle(ctx context.Context, sha string, dec Decision) error {
	_, err := l.Catalogue.Update(ctx, sha, func(p *archive.Photo) error {
		p.DuplicateOf, p.CopyFaces = dec.Original, dec.CopyFaces
		if p.Deduped.IsZero() {
			p.Deduped = time.Now().UTC()
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("dedup: %w", err)
	}
	return nil
}

// List adds a photo to an individual's photos, unless the individual
// already lists the same photograph (the photo's original, or another copy
// of it), and, for a numbered individual, recomputes which of its faces
// disagree with the others. The original's copies are read inside the
// individual's compare-and-swap: two copies listed at once see each other,
// as each joined its original (Resolve) before it is listed.
func (l *Linker) List(ctx context.Context, key, photo, original string) error {
	_, err := l.Catalogue.UpdateIndividual(ctx, key, func(ind *archive.Individual) error {
		group, err := l.group(ctx, photo, original)
		if err != nil {
			return err
		}
		if slices.ContainsFunc(group, func(g string) bool { return slices.Contains(ind.Photos, g) }) {
			return nil
		}
		archive.AddPhoto(ind, photo)
		if archive.IsFaceIndividual(key) {
			return nil
		}
		var faces []archive.FaceRecord
		for _, sha := range ind.Photos {
			p, err := l.Catalogue.Photo(ctx, sha)
			if err != nil {
				return fmt.Errorf("dedup: %w", err)
			}
			fs, err := l.Catalogue.FacesOf(ctx, p)
			if err != nil {
				return fmt.Errorf("dedup: %w", err)
			}
			for _, f := range fs {
				if f.Individual == key {
					faces = append(faces, f)
				}
			}
		}
		ind.Disagreeing = Disagreements(faces)
		return nil
	})
	return err
}

// group is the photo, its original and the original's copies: the files
// of one photograph.
func (l *Linker) group(ctx context.Context, photo, original string) ([]string, error) {
	if original == "" {
		return []string{photo}, nil
	}
	r, err := l.Catalogue.Photo(ctx, original)
	if err != nil {
		return nil, fmt.Errorf("dedup: %w", err)
	}
	return append([]string{photo, original}, r.Copies...), nil
}

// Verify re-reads the original of a copy without a number after its faces
// were indexed: when a numbered copy changed the anchors in between, it
// returns the faces to write and index again, already written.
func (l *Linker) Verify(ctx context.Context, p archive.Photo, dec Decision, recs []archive.FaceRecord) ([]archive.FaceRecord, error) {
	if dec.Original == "" || p.Name.Number != "" {
		return nil, nil
	}
	r, err := l.Catalogue.Photo(ctx, dec.Original)
	if err != nil {
		return nil, fmt.Errorf("dedup: %w", err)
	}
	var changed []archive.FaceRecord
	for i, f := range recs {
		if i < len(dec.CopyFaces) {
			if j := dec.CopyFaces[i]; j >= 0 && j < len(r.Anchors) && f.Individual != r.Anchors[j] {
				f.Individual = r.Anchors[j]
				changed = append(changed, f)
			}
		}
	}
	if len(changed) == 0 {
		return nil, nil
	}
	if err := l.Catalogue.PutFaces(ctx, changed); err != nil {
		return nil, fmt.Errorf("dedup: %w", err)
	}
	return changed, nil
}

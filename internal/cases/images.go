package cases

import (
	"context"
	"errors"
	"fmt"

	"github.com/facetriage/facetriage/internal/archive"
)

// MaxOriginal bounds an original read for viewing or export.
const MaxOriginal = 512 << 20

// CropRequest says how to show a candidate's face crop.
type CropRequest struct {
	// Reveal shows it unblurred; the default is blurred.
	Reveal bool
	// Grey shows it in greyscale.
	Grey bool
}

// Crop returns a candidate's face crop to a member of the case: blurred
// unless revealed, in grey on request. The showing is audited before the
// crop is returned, and counted once per person and crop.
func (s *Service) Crop(ctx context.Context, a Actor, id, individual string, r CropRequest) ([]byte, error) {
	_, cd, err := s.candidate(ctx, a, id, individual)
	if err != nil {
		return nil, err
	}
	return s.crop(ctx, a, id, individual, cd.Photo, cd.Face, r)
}

// crop serves the crop of face index of photo, shown as a candidate's.
func (s *Service) crop(ctx context.Context, a Actor, id, individual, photo string, index int, r CropRequest) ([]byte, error) {
	b, err := s.Archive.Crop(ctx, archive.CropName(photo, index))
	if errors.Is(err, archive.ErrNotFound) {
		return nil, fmt.Errorf("%w: no face crop %d of %s", ErrNotFound, index, photo)
	}
	if err != nil {
		return nil, err
	}
	if !r.Reveal || r.Grey {
		if s.Blur == nil {
			return nil, errors.New("cases: no way to blur crops configured")
		}
		if b, err = s.Blur(b, r.Grey, !r.Reveal); err != nil {
			return nil, fmt.Errorf("cases: blurring a crop: %w", err)
		}
	}
	kind := shownCrop
	if r.Reveal {
		kind = shownRevealed
	}
	if err := s.shownTo(ctx, a, id, kind, archive.CropName(photo, index), map[string]string{"shown": "crop",
		"revealed": fmt.Sprint(r.Reveal), "grey": fmt.Sprint(r.Grey), "photo": photo, "face": fmt.Sprint(index),
		"individual": individual}); err != nil {
		return nil, err
	}
	return b, nil
}

// FullPhoto returns a candidate's original photo to a member of the case,
// read where it lies and checked against its SHA-256: only on explicit
// request. The showing is audited and counted.
func (s *Service) FullPhoto(ctx context.Context, a Actor, id, individual string) ([]byte, error) {
	_, cd, err := s.candidate(ctx, a, id, individual)
	if err != nil {
		return nil, err
	}
	return s.original(ctx, a, id, individual, cd.Photo)
}

// original serves photo's original, shown as a candidate's.
func (s *Service) original(ctx context.Context, a Actor, id, individual, photo string) ([]byte, error) {
	p, err := s.Archive.Photo(ctx, photo)
	if err != nil {
		return nil, err
	}
	var b []byte
	err = fmt.Errorf("%w: the photo %s has no recorded path", archive.ErrNotFound, photo)
	for _, path := range p.Paths {
		if b, err = archive.ReadOriginal(path, photo, MaxOriginal); err == nil {
			break
		}
	}
	if b == nil {
		return nil, fmt.Errorf("cases: the original of %s: %w", photo, err)
	}
	if err := s.shownTo(ctx, a, id, shownPhoto, photo, map[string]string{"shown": "photo", "individual": individual}); err != nil {
		return nil, err
	}
	return b, nil
}

// candidate is a case's candidate, for a member.
func (s *Service) candidate(ctx context.Context, a Actor, id, individual string) (Case, Candidate, error) {
	c, _, err := s.load(ctx, a, id, read)
	if err != nil {
		return Case{}, Candidate{}, err
	}
	cd, ok := c.Candidate(individual)
	if !ok {
		return Case{}, Candidate{}, fmt.Errorf("%w: %s", ErrNoCandidate, individual)
	}
	return c, *cd, nil
}

// shownTo records that a is being shown an image: in the audit trail
// (every time), then in the count of distinct images (the first time).
// The image must not be sent when this fails.
func (s *Service) shownTo(ctx context.Context, a Actor, id string, k shownKind, object string, detail map[string]string) error {
	if err := s.audit(ctx, a, "view", id, object, detail); err != nil {
		return err
	}
	return s.shown.note(ctx, id, a.Name, k, object, s.Now())
}

package cases

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"time"

	"github.com/facetriage/facetriage/internal/archive"
	"github.com/facetriage/facetriage/internal/face"
)

// IndividualView is a candidate as a reviewer examines it: every photo of
// the individual the archive holds, each with what is known of it, and
// its faces, the individual's own marked and the matched one named.
type IndividualView struct {
	Case      string      `json:"case"`
	Candidate Candidate   `json:"candidate"`
	Photos    []PhotoView `json:"photos"`
}

// PhotoView is one photo of an individual.
type PhotoView struct {
	SHA256 string    `json:"sha256"`
	Paths  []string  `json:"paths"`
	Source string    `json:"source,omitempty"`
	Number string    `json:"number,omitempty"`
	Branch string    `json:"branch,omitempty"`
	Date   time.Time `json:"date,omitzero"`
	Width  int       `json:"width"`
	Height int       `json:"height"`
	// Faces are the photo's faces: a photo may show other bodies too.
	Faces []FaceView `json:"faces"`
}

// FaceView is one face of a photo.
type FaceView struct {
	Index int      `json:"index"`
	Box   face.Box `json:"box"`
	// Own: the face is the individual's; Matched: it is the face the
	// search found nearest.
	Own     bool `json:"own"`
	Matched bool `json:"matched"`
}

// Individual returns a candidate's photos to a member of the case, the
// matched one first. It shows no image: each crop and photo is asked for,
// and audited, on its own (FaceCrop, PhotoOf).
func (s *Service) Individual(ctx context.Context, a Actor, id, individual string) (IndividualView, error) {
	c, cd, err := s.candidate(ctx, a, id, individual)
	if err != nil {
		return IndividualView{}, err
	}
	shas, err := s.photosOf(ctx, cd)
	if err != nil {
		return IndividualView{}, err
	}
	v := IndividualView{Case: c.ID, Candidate: cd}
	for _, sha := range shas {
		p, err := s.Archive.Photo(ctx, sha)
		if err != nil {
			return IndividualView{}, err
		}
		pv := PhotoView{SHA256: sha, Paths: p.Paths, Source: p.Source, Number: p.Name.Number, Branch: p.Name.Branch,
			Date: p.Date(), Width: p.Width, Height: p.Height}
		fs, err := s.Archive.FacesOf(ctx, p)
		if err != nil && !errors.Is(err, archive.ErrDamaged) {
			return IndividualView{}, err
		}
		for _, f := range fs {
			pv.Faces = append(pv.Faces, FaceView{Index: f.Index, Box: f.Box,
				Own:     f.Individual == individual || p.Individual(f.Index) == individual,
				Matched: sha == cd.Photo && f.Index == cd.Face})
		}
		v.Photos = append(v.Photos, pv)
	}
	return v, s.audit(ctx, a, "individual_view", id, individual, map[string]string{"photos": fmt.Sprint(len(v.Photos))})
}

// photosOf lists a candidate's photos, the matched one first.
func (s *Service) photosOf(ctx context.Context, cd Candidate) ([]string, error) {
	ind, err := s.Archive.Individual(ctx, cd.Individual)
	if err != nil && !errors.Is(err, archive.ErrNotFound) {
		return nil, err
	}
	shas := slices.Clone(ind.Photos)
	sort.Strings(shas)
	shas = slices.DeleteFunc(shas, func(s string) bool { return s == cd.Photo })
	return append([]string{cd.Photo}, shas...), nil
}

// FaceCrop returns a crop of one face of a candidate's photos to a member
// of the case, blurred unless revealed, audited and counted as Crop is. A
// negative index is ErrInvalid (said only to members).
func (s *Service) FaceCrop(ctx context.Context, a Actor, id, individual, photo string, index int, r CropRequest) ([]byte, error) {
	_, cd, err := s.candidate(ctx, a, id, individual)
	if err != nil {
		return nil, err
	}
	if index < 0 {
		return nil, fmt.Errorf("%w: a face is numbered 0 or more", ErrInvalid)
	}
	if err := s.ofCandidate(ctx, cd, photo); err != nil {
		return nil, err
	}
	return s.crop(ctx, a, id, individual, photo, index, r)
}

// PhotoOf returns one of a candidate's original photos to a member of the
// case, on explicit request, audited and counted as FullPhoto is.
func (s *Service) PhotoOf(ctx context.Context, a Actor, id, individual, photo string) ([]byte, error) {
	_, cd, err := s.candidate(ctx, a, id, individual)
	if err != nil {
		return nil, err
	}
	if err := s.ofCandidate(ctx, cd, photo); err != nil {
		return nil, err
	}
	return s.original(ctx, a, id, individual, photo)
}

// ofCandidate checks that photo is one of the candidate's photos.
func (s *Service) ofCandidate(ctx context.Context, cd Candidate, photo string) error {
	shas, err := s.photosOf(ctx, cd)
	if err != nil {
		return err
	}
	if !slices.Contains(shas, photo) {
		return fmt.Errorf("%w: photo %s of %s", ErrNotFound, photo, cd.Individual)
	}
	return nil
}

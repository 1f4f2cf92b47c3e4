// Package index is the last pipeline stage: it writes the face records (the
// source of truth), the individuals, and the vector index, a batch of
// photos at a time. With a dedup.Linker, a near-duplicate of a photo
// already indexed is linked to it, and its faces join the original's
// individuals.
package index

import (
	"context"
	"errors"
	"fmt"
	"image"

	"google.golang.org/protobuf/proto"

	"github.com/facetriage/facetriage/internal/archive"
	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/dedup"
	"github.com/facetriage/facetriage/internal/face"
	"github.com/facetriage/facetriage/internal/pipeline"
	"github.com/facetriage/facetriage/internal/vector"
	"github.com/facetriage/facetriage/proto/facetriagepb"
)

// Catalogue is what the stage needs of archive.Catalogue.
type Catalogue interface {
	Photo(ctx context.Context, sha string) (archive.Photo, error)
	Update(ctx context.Context, sha string, fn func(*archive.Photo) error) (archive.Photo, error)
	PutFaces(ctx context.Context, fs []archive.FaceRecord) error
	AddToIndividual(ctx context.Context, key, photo string) error
}

// Linker links near-duplicates (dedup.Linker).
type Linker interface {
	Resolve(ctx context.Context, p archive.Photo, faces []face.Descriptor) (dedup.Decision, error)
	List(ctx context.Context, key, photo, original string) error
	Settle(ctx context.Context, sha string, dec dedup.Decision) error
	Verify(ctx context.Context, p archive.Photo, dec dedup.Decision, recs []archive.FaceRecord) ([]archive.FaceRecord, error)
}

var _ Linker = (*dedup.Linker)(nil)

// Stage is the index stage.
type Stage struct {
	Catalogue Catalogue
	Store     vector.Store
	// Dups links near-duplicates; nil: every photo is its own.
	Dups Linker
}

// written is what records wrote for one photo.
type written struct {
	photo  archive.Photo
	dec    dedup.Decision
	recs   []archive.FaceRecord
	points []vector.Point
}

var _ pipeline.BatchStage = (*Stage)(nil)

// Name is bus.StageIndex.
func (s *Stage) Name() string { return bus.StageIndex }

// Identify reads the photo's hash from an IndexJob.
func (s *Stage) Identify(data []byte) pipeline.Subject {
	var j facetriagepb.IndexJob
	_ = proto.Unmarshal(data, &j)
	return pipeline.Subject{SHA256: j.Sha256, Batch: j.Batch}
}

// Process indexes one photo.
func (s *Stage) Process(ctx context.Context, m pipeline.Msg) error {
	return s.ProcessBatch(ctx, []pipeline.Msg{m})[0]
}

// ProcessBatch writes the records of each photo, then upserts all their
// faces into the vector store at once, then marks the photos indexed.
func (s *Stage) ProcessBatch(ctx context.Context, ms []pipeline.Msg) []error {
	errs := make([]error, len(ms))
	var points []vector.Point
	var ready []int
	done := make([]written, len(ms))
	for i, m := range ms {
		w, err := s.records(ctx, m)
		if err != nil {
			errs[i] = err
			continue
		}
		done[i] = w
		points = append(points, w.points...)
		ready = append(ready, i)
	}
	if err := s.Store.Upsert(ctx, points); err != nil {
		for _, i := range ready {
			errs[i] = fmt.Errorf("index: vector store: %w", err)
		}
		return errs
	}
	for _, i := range ready {
		if err := s.verify(ctx, done[i]); err != nil {
			errs[i] = err
			continue
		}
		sha := s.Identify(ms[i].Data).SHA256
		if _, err := s.Catalogue.Update(ctx, sha, func(p *archive.Photo) error {
			p.Status = archive.StatusIndexed
			return nil
		}); err != nil {
			errs[i] = fmt.Errorf("index: %w", err)
		}
	}
	return errs
}

// records writes the face records and individuals of one photo and returns
// its points, and those of other photos' faces whose individual changed.
func (s *Stage) records(ctx context.Context, m pipeline.Msg) (written, error) {
	var w written
	var j facetriagepb.IndexJob
	if err := proto.Unmarshal(m.Data, &j); err != nil {
		return w, pipeline.Permanent(fmt.Errorf("index: bad IndexJob: %w", err))
	}
	photo, err := s.Catalogue.Photo(ctx, j.Sha256)
	if errors.Is(err, archive.ErrNotFound) {
		return w, pipeline.Permanent(fmt.Errorf("index: %w", err))
	}
	if err != nil {
		return w, fmt.Errorf("index: %w", err)
	}
	if photo.PHash == "" && j.PhotoHash != "" { // the faces stage's record update raced
		photo.PHash = j.PhotoHash
	}
	recs := make([]archive.FaceRecord, 0, len(j.Faces))
	descs := make([]face.Descriptor, 0, len(j.Faces))
	for _, f := range j.Faces {
		rec, err := fromProto(j.Sha256, j.Model, f)
		if err != nil {
			return w, pipeline.Permanent(fmt.Errorf("index: %w", err))
		}
		rec.Individual = photo.Individual(rec.Index)
		recs = append(recs, rec)
		descs = append(descs, rec.Descriptor)
	}
	var dec dedup.Decision
	if s.Dups != nil {
		if dec, err = s.Dups.Resolve(ctx, photo, descs); err != nil {
			return w, fmt.Errorf("index: %w", err)
		}
		for i := range recs {
			if i < len(dec.Individuals) {
				recs[i].Individual = dec.Individuals[i]
			}
			if i < len(dec.CopyFaces) && dec.CopyFaces[i] >= 0 {
				recs[i].CopyOf = archive.FaceKey(dec.Original, dec.CopyFaces[i])
			}
		}
	}
	if err := s.Catalogue.PutFaces(ctx, recs); err != nil {
		return w, fmt.Errorf("index: %w", err)
	}
	listed := map[string]bool{}
	for _, r := range recs {
		if listed[r.Individual] {
			continue
		}
		listed[r.Individual] = true
		if s.Dups == nil {
			err = s.Catalogue.AddToIndividual(ctx, r.Individual, j.Sha256)
		} else {
			err = s.Dups.List(ctx, r.Individual, j.Sha256, dec.Original)
		}
		if err != nil {
			return w, fmt.Errorf("index: %w", err)
		}
	}
	if s.Dups != nil {
		if err := s.Dups.Settle(ctx, j.Sha256, dec); err != nil {
			return w, fmt.Errorf("index: %w", err)
		}
	}
	w = written{photo: photo, dec: dec, recs: recs, points: pointsOf(photo, recs)}
	for _, rk := range dec.Rekeyed {
		w.points = append(w.points, pointsOf(rk.Photo, rk.Faces)...)
	}
	return w, nil
}

// verify indexes again the faces of a copy whose original's anchors changed
// while it was being written (dedup.Linker.Verify).
func (s *Stage) verify(ctx context.Context, w written) error {
	if s.Dups == nil || w.dec.Original == "" {
		return nil
	}
	changed, err := s.Dups.Verify(ctx, w.photo, w.dec, w.recs)
	if err != nil || len(changed) == 0 {
		return err
	}
	if err := s.Store.Upsert(ctx, pointsOf(w.photo, changed)); err != nil {
		return fmt.Errorf("index: vector store: %w", err)
	}
	return nil
}

func pointsOf(p archive.Photo, recs []archive.FaceRecord) []vector.Point {
	out := make([]vector.Point, 0, len(recs))
	for _, r := range recs {
		out = append(out, vector.Point{ID: vector.PointID(r.Photo, r.Index), Vector: r.Descriptor, Payload: PayloadOf(p, r)})
	}
	return out
}

// PayloadOf is a face's payload in the vector index.
func PayloadOf(p archive.Photo, f archive.FaceRecord) vector.Payload {
	return vector.Payload{
		Photo: f.Photo, Face: f.Index, Individual: f.Individual,
		Source: p.Source, Branch: p.Name.Branch, Number: p.Name.Number,
		Date: p.Date(), Model: f.Model,
	}
}

func fromProto(photo, model string, f *facetriagepb.Face) (archive.FaceRecord, error) {
	if len(f.Embedding) != face.Dim {
		return archive.FaceRecord{}, fmt.Errorf("face %d has a %d-d descriptor, want %d", f.Index, len(f.Embedding), face.Dim)
	}
	r := archive.FaceRecord{
		Photo: photo, Index: int(f.Index), Rotation: face.Rotation(f.Rotation), Detector: face.Detector(f.Detector),
		Size: int(f.Size), Sharpness: f.Sharpness, Crop: f.Crop, Model: model,
	}
	if b := f.Box; b != nil {
		r.Box = face.Box(image.Rect(int(b.X0), int(b.Y0), int(b.X1), int(b.Y1)))
	}
	copy(r.Descriptor[:], f.Embedding)
	for _, p := range f.Landmarks {
		r.Landmarks = append(r.Landmarks, image.Pt(int(p.X), int(p.Y)))
	}
	return r, nil
}

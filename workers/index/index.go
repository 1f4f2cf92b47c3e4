// Package index is the last pipeline stage: it writes the face records (the
// source of truth), the individuals, and the vector index, a batch of
// photos at a time.
package index

import (
	"context"
	"errors"
	"fmt"
	"image"

	"google.golang.org/protobuf/proto"

	"github.com/facetriage/facetriage/internal/archive"
	"github.com/facetriage/facetriage/internal/bus"
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

// Stage is the index stage.
type Stage struct {
	Catalogue Catalogue
	Store     vector.Store
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
	for i, m := range ms {
		pts, err := s.records(ctx, m)
		if err != nil {
			errs[i] = err
			continue
		}
		points = append(points, pts...)
		ready = append(ready, i)
	}
	if err := s.Store.Upsert(ctx, points); err != nil {
		for _, i := range ready {
			errs[i] = fmt.Errorf("index: vector store: %w", err)
		}
		return errs
	}
	for _, i := range ready {
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
// its points.
func (s *Stage) records(ctx context.Context, m pipeline.Msg) ([]vector.Point, error) {
	var j facetriagepb.IndexJob
	if err := proto.Unmarshal(m.Data, &j); err != nil {
		return nil, pipeline.Permanent(fmt.Errorf("index: bad IndexJob: %w", err))
	}
	photo, err := s.Catalogue.Photo(ctx, j.Sha256)
	if errors.Is(err, archive.ErrNotFound) {
		return nil, pipeline.Permanent(fmt.Errorf("index: %w", err))
	}
	if err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	recs := make([]archive.FaceRecord, 0, len(j.Faces))
	points := make([]vector.Point, 0, len(j.Faces))
	for _, f := range j.Faces {
		rec, err := fromProto(j.Sha256, j.Model, f)
		if err != nil {
			return nil, pipeline.Permanent(fmt.Errorf("index: %w", err))
		}
		rec.Individual = photo.Individual(rec.Index)
		recs = append(recs, rec)
		points = append(points, vector.Point{ID: vector.PointID(j.Sha256, rec.Index), Vector: rec.Descriptor, Payload: PayloadOf(photo, rec)})
	}
	if err := s.Catalogue.PutFaces(ctx, recs); err != nil {
		return nil, fmt.Errorf("index: %w", err)
	}
	for _, r := range recs {
		if err := s.Catalogue.AddToIndividual(ctx, r.Individual, j.Sha256); err != nil {
			return nil, fmt.Errorf("index: %w", err)
		}
	}
	return points, nil
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

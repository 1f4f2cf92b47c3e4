// Package faces is the second pipeline stage: it runs the face engine on a
// catalogued photo, stores an aligned crop of every face, hashes the photo
// for the near-duplicate search (package dedup), and passes the faces to
// the index stage. A photo without a face is recorded (no_face).
package faces

import (
	"context"
	"fmt"

	"google.golang.org/protobuf/proto"

	"github.com/facetriage/facetriage/internal/archive"
	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/dedup"
	"github.com/facetriage/facetriage/internal/engine"
	"github.com/facetriage/facetriage/internal/face"
	"github.com/facetriage/facetriage/internal/pipeline"
	"github.com/facetriage/facetriage/proto/facetriagepb"
)

// Engine finds and describes faces (engine.Engine, or a fake in tests).
type Engine interface {
	Embed(ctx context.Context, data []byte) (engine.Result, error)
}

// Catalogue is what the stage needs of archive.Catalogue.
type Catalogue interface {
	Update(ctx context.Context, sha string, fn func(*archive.Photo) error) (archive.Photo, error)
	PutCrop(ctx context.Context, name string, jpeg []byte) error
}

// Publisher sends the next stage's input (bus.Publisher).
type Publisher interface {
	Publish(ctx context.Context, stage string, m proto.Message, id string) error
}

// Hasher makes a photo's perceptual hash (dedup.PhotoHasher).
type Hasher interface {
	PhotoHash(data []byte) (dedup.Hash, error)
}

// Stage is the faces stage.
type Stage struct {
	Engine    Engine
	Catalogue Catalogue
	Publisher Publisher
	// Model is the embedding model's id and version, recorded with every face.
	Model string
	// Hasher hashes the photo; nil: no hash (near-duplicates are then found
	// by their faces only).
	Hasher Hasher
	// Costs reports what each photo's search cost; nil: nothing.
	Costs *CostReport
}

var _ pipeline.Stage = (*Stage)(nil)

// Name is bus.StageFaces.
func (s *Stage) Name() string { return bus.StageFaces }

// Identify reads the photo's hash from a FacesJob.
func (s *Stage) Identify(data []byte) pipeline.Subject {
	var j facetriagepb.FacesJob
	_ = proto.Unmarshal(data, &j)
	return pipeline.Subject{SHA256: j.Sha256, Batch: j.Batch}
}

// Process finds the faces of one photo.
func (s *Stage) Process(ctx context.Context, m pipeline.Msg) error {
	var j facetriagepb.FacesJob
	if err := proto.Unmarshal(m.Data, &j); err != nil {
		return pipeline.Permanent(fmt.Errorf("faces: bad FacesJob: %w", err))
	}
	res, err := s.Engine.Embed(ctx, j.Data)
	s.Costs.Observe(j.Sha256, res.Cost)
	if err != nil {
		if engine.IsPermanent(err) {
			return pipeline.Permanent(fmt.Errorf("faces: %w", err))
		}
		return fmt.Errorf("faces: %w", err)
	}
	search := searchRecord(res.Cost)
	if len(res.Faces) == 0 {
		if _, err := s.Catalogue.Update(ctx, j.Sha256, func(p *archive.Photo) error { p.FaceSearch = search; return nil }); err != nil {
			return fmt.Errorf("faces: %w", err)
		}
		return pipeline.Permanent(fmt.Errorf("faces: %w at any rotation", face.ErrNoFace))
	}
	out := &facetriagepb.IndexJob{Sha256: j.Sha256, Model: s.Model, Width: int32(res.Width), Height: int32(res.Height), Batch: j.Batch}
	if s.Hasher != nil {
		// The engine decoded the photo, so the bytes decode: a hash that
		// fails anyway costs only the near-duplicate search by the hash.
		if h, err := s.Hasher.PhotoHash(j.Data); err == nil {
			out.PhotoHash = h.String()
		}
	}
	for k, f := range res.Faces {
		pf := toProto(k, f)
		if f.Crop != nil {
			pf.Crop = archive.CropName(j.Sha256, k)
			if err := s.Catalogue.PutCrop(ctx, pf.Crop, f.Crop); err != nil {
				return fmt.Errorf("faces: %w", err)
			}
		}
		out.Faces = append(out.Faces, pf)
	}
	if _, err := s.Catalogue.Update(ctx, j.Sha256, func(p *archive.Photo) error {
		p.Status, p.Faces, p.Model, p.FaceSearch = archive.StatusEmbedded, len(res.Faces), s.Model, search
		if out.PhotoHash != "" {
			p.PHash = out.PhotoHash
		}
		return nil
	}); err != nil {
		return fmt.Errorf("faces: %w", err)
	}
	if err := s.Publisher.Publish(ctx, bus.StageIndex, out, j.Sha256); err != nil {
		return fmt.Errorf("faces: %w", err)
	}
	return nil
}

func toProto(k int, f face.Face) *facetriagepb.Face {
	b := f.Box.Rect()
	pf := &facetriagepb.Face{
		Index:     int32(k),
		Box:       &facetriagepb.Box{X0: int32(b.Min.X), Y0: int32(b.Min.Y), X1: int32(b.Max.X), Y1: int32(b.Max.Y)},
		Embedding: f.Descriptor[:],
		Rotation:  int32(f.Rotation),
		Detector:  string(f.Detector),
		Size:      int32(f.Size),
		Sharpness: f.Sharpness,
	}
	for _, p := range f.Landmarks {
		pf.Landmarks = append(pf.Landmarks, &facetriagepb.Point{X: int32(p.X), Y: int32(p.Y)})
	}
	return pf
}

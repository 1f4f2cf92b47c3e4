// Package decode is the first pipeline stage: it checks that the photo's
// bytes are what ingest hashed, inspects the file (format, pixel budget,
// truncation, EXIF), parses the file name, writes the catalogue record and
// passes the photo to the faces stage.
package decode

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strings"
	"sync"
	"time"

	"google.golang.org/protobuf/proto"

	"github.com/facetriage/facetriage/internal/archive"
	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/imgfile"
	"github.com/facetriage/facetriage/internal/pipeline"
	"github.com/facetriage/facetriage/proto/facetriagepb"
)

// Catalogue is what the stage needs of archive.Catalogue.
type Catalogue interface {
	Update(ctx context.Context, sha string, fn func(*archive.Photo) error) (archive.Photo, error)
}

// Publisher sends the next stage's input (bus.Publisher).
type Publisher interface {
	Publish(ctx context.Context, stage string, m proto.Message, id string) error
}

// Stage is the decode stage.
type Stage struct {
	Catalogue Catalogue
	Publisher Publisher
	// Names parses file names when the job brings no patterns of its own.
	Names  *archive.NameParser
	Limits imgfile.Limits

	mu    sync.Mutex
	byJob map[string]*archive.NameParser // parsers for patterns jobs carry
}

// parseName reads the file name with the job's patterns, else the stage's.
// The job's path is in its recorded form (archive.EncodePath).
func (s *Stage) parseName(j *facetriagepb.PhotoJob) archive.NameMeta {
	p := s.Names
	if len(j.NamePatterns) > 0 {
		key := strings.Join(j.NamePatterns, "\x00")
		s.mu.Lock()
		if s.byJob == nil {
			s.byJob = map[string]*archive.NameParser{}
		}
		jp, ok := s.byJob[key]
		if !ok {
			jp, _ = archive.NewNameParser(j.NamePatterns) // ingest checked them
			s.byJob[key] = jp
		}
		s.mu.Unlock()
		if jp != nil {
			p = jp
		}
	}
	if p == nil {
		return archive.NameMeta{Pattern: -1}
	}
	return p.Parse(archive.NameText(j.Path)) // a legacy code page's name reads as text, not as escapes
}

var _ pipeline.Stage = (*Stage)(nil)

// Name is bus.StageDecode.
func (s *Stage) Name() string { return bus.StageDecode }

// Identify reads the photo's hash and path from a PhotoJob.
func (s *Stage) Identify(data []byte) pipeline.Subject {
	var j facetriagepb.PhotoJob
	_ = proto.Unmarshal(data, &j)
	return pipeline.Subject{SHA256: j.Sha256, Path: j.Path, Batch: j.Batch}
}

// Process catalogues one photo and queues it for the faces stage. A photo
// already indexed (the same bytes at another path) only gains the path.
func (s *Stage) Process(ctx context.Context, m pipeline.Msg) error {
	var j facetriagepb.PhotoJob
	if err := proto.Unmarshal(m.Data, &j); err != nil {
		return pipeline.Permanent(fmt.Errorf("decode: bad PhotoJob: %w", err))
	}
	sum := sha256.Sum256(j.Data)
	if got := hex.EncodeToString(sum[:]); got != j.Sha256 {
		return pipeline.Permanent(fmt.Errorf("decode: the bytes hash to %s, not %s as ingest read them", got, j.Sha256))
	}
	info, ierr := imgfile.Inspect(j.Data, s.Limits)
	rec, err := s.Catalogue.Update(ctx, j.Sha256, func(p *archive.Photo) error {
		archive.AddPath(p, j.Path)
		if p.Size == 0 {
			p.Size = int64(len(j.Data))
			p.Source = j.Source
			p.Batch = j.Batch
			if j.MtimeUnix > 0 {
				p.MTime = time.Unix(j.MtimeUnix, 0).UTC()
			}
			p.Format = info.Format
			p.Width, p.Height = info.Width, info.Height
			if info.EXIF.Orientation >= 5 { // stored sideways
				p.Width, p.Height = info.Height, info.Width
			}
			p.EXIF = info.EXIF
			p.Name = s.parseName(&j)
		}
		if ierr == nil {
			p.Status = archive.StatusDecoded
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("decode: %w", err) // transient: the catalogue is unreachable
	}
	if ierr != nil {
		return pipeline.Permanent(fmt.Errorf("decode: %w", ierr))
	}
	if rec.Status.Done() {
		return nil // the same photo, already through the pipeline
	}
	next := &facetriagepb.FacesJob{Sha256: j.Sha256, Data: j.Data, Batch: j.Batch}
	if err := s.Publisher.Publish(ctx, bus.StageFaces, next, j.Sha256); err != nil {
		return fmt.Errorf("decode: %w", err)
	}
	return nil
}

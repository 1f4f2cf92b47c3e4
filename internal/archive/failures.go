package archive

import (
	"context"
	"encoding/hex"
	"fmt"
	"sort"
	"unicode/utf8"

	"google.golang.org/protobuf/encoding/protojson"

	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/pipeline"
	"github.com/facetriage/facetriage/proto/facetriagepb"
)

var _ pipeline.FailureSink = (*Catalogue)(nil)

// ErrorKindNoFace is the error kind of face.ErrNoFace in failure records.
const ErrorKindNoFace = "no_face"

// RecordFailure stores a failure and marks the photo's record failed (or
// no_face). Recording the same failure again replaces it.
//
// Text that is not UTF-8 (a raw path in a stage's error) is stored in its
// recorded form (EncodePath): a record is never refused for its text.
func (c *Catalogue) RecordFailure(ctx context.Context, f *facetriagepb.Failure) error {
	for _, s := range []*string{&f.Sha256, &f.Path, &f.Stage, &f.Error, &f.Kind, &f.ErrorKind, &f.Batch} {
		if !utf8.ValidString(*s) {
			*s = EncodePath(*s)
		}
	}
	if f.Path == "" && f.Sha256 != "" { // later stages carry only the hash
		if p, err := c.Photo(ctx, f.Sha256); err == nil && len(p.Paths) > 0 {
			f.Path = p.Paths[0]
		}
	}
	id := f.Sha256
	switch {
	case id == "":
		id = "path-" + keyOf(f.Path) // a file ingest could not read has no hash
	case !isSHA256(id): // a message that did not say
		id = "id-" + keyOf(id)
		f.Sha256 = ""
	}
	b, err := protojson.Marshal(f)
	if err != nil {
		return err
	}
	if _, err := c.failures.Put(ctx, f.Stage+"."+id, b); err != nil {
		return fmt.Errorf("archive: failure: %w", err)
	}
	if f.Sha256 == "" {
		return nil
	}
	_, err = c.Update(ctx, f.Sha256, func(p *Photo) error {
		AddPath(p, f.Path)
		if p.Batch == "" {
			p.Batch = f.Batch
		}
		p.Error = f.Error
		if f.ErrorKind == ErrorKindNoFace {
			p.Status = StatusNoFace
		} else {
			p.Status = StatusFailed
		}
		return nil
	})
	return err
}

func isSHA256(s string) bool {
	if len(s) != 64 {
		return false
	}
	_, err := hex.DecodeString(s)
	return err == nil
}

// Failures returns every failure record, newest first.
func (c *Catalogue) Failures(ctx context.Context) ([]*facetriagepb.Failure, error) {
	var out []*facetriagepb.Failure
	err := bus.EachValue(ctx, c.failures, func(b []byte) error {
		f := &facetriagepb.Failure{}
		if err := protojson.Unmarshal(b, f); err != nil {
			return err
		}
		out = append(out, f)
		return nil
	})
	sort.Slice(out, func(i, j int) bool { return out[i].TimeUnix > out[j].TimeUnix })
	return out, err
}

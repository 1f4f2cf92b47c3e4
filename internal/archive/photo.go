package archive

import (
	"strconv"
	"time"

	"github.com/facetriage/facetriage/internal/imgfile"
)

// Status is how far a photo has gone through the pipeline.
type Status string

// Statuses, in order. A record only ever moves forward.
const (
	StatusDecoded  Status = "decoded"  // catalogued: hashed, EXIF and name read
	StatusEmbedded Status = "embedded" // faces found and described
	StatusIndexed  Status = "indexed"  // face records written and indexed
	StatusNoFace   Status = "no_face"  // no face found: recorded, needs a person or the CNN
	StatusFailed   Status = "failed"   // a stage gave up (see the failure records)
)

func (s Status) rank() int {
	switch s {
	case StatusDecoded:
		return 1
	case StatusEmbedded:
		return 2
	case StatusIndexed, StatusNoFace, StatusFailed:
		return 3
	}
	return 0
}

// Done reports whether the photo has left the pipeline.
func (s Status) Done() bool { return s.rank() == 3 }

// Photo is the catalogue record of one original.
type Photo struct {
	SHA256 string `json:"sha256"`
	// Paths are every place the same bytes were found.
	Paths  []string `json:"paths"`
	Source string   `json:"source,omitempty"`
	Size   int64    `json:"size"`
	// MTime is the file's modification time, as ingest saw it.
	MTime  time.Time      `json:"mtime,omitzero"`
	Format imgfile.Format `json:"format,omitempty"`
	// Width and Height are upright (after the EXIF orientation).
	Width  int          `json:"width,omitempty"`
	Height int          `json:"height,omitempty"`
	EXIF   imgfile.EXIF `json:"exif"`
	Name   NameMeta     `json:"name"`
	Status Status       `json:"status"`
	Faces  int          `json:"faces"`
	Model  string       `json:"model,omitempty"`
	Batch  string       `json:"batch,omitempty"`
	Error  string       `json:"error,omitempty"`
	// Catalogued and Indexed record when the photo entered and left the pipeline.
	Catalogued time.Time `json:"catalogued,omitzero"`
	Updated    time.Time `json:"updated,omitzero"`
}

// Date is the photo's date: from its file name, else from EXIF, else zero.
func (p Photo) Date() time.Time {
	if !p.Name.Date.IsZero() {
		return p.Name.Date
	}
	return p.EXIF.Taken
}

// Individual is the key of the individual a face of this photo belongs to:
// the detainee number within its source and branch, or, for a photo without
// a number, the face itself.
func (p Photo) Individual(face int) string {
	if p.Name.Number != "" {
		return p.Source + "/" + p.Name.Branch + "/" + p.Name.Number
	}
	return FaceIndividual(p.SHA256, face)
}

// FaceIndividual is the individual of a face in a photo without a number.
func FaceIndividual(photo string, face int) string {
	return "face:" + photo + ":" + strconv.Itoa(face)
}

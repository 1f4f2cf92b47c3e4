package archive

import (
	"strconv"
	"strings"
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
	// PHash is the perceptual hash of the whole upright photo (package
	// dedup: 64 bits, 16 hex digits), or "" when none could be made.
	PHash string `json:"phash,omitempty"`
	// DuplicateOf names the original this photo is a near-duplicate of: the
	// same photograph re-encoded, resized or cropped, found by its hash and
	// confirmed by its faces. The original is the copy registered first
	// (package dedup). "" for a photo that is no copy.
	DuplicateOf string `json:"duplicate_of,omitempty"`
	// CopyFaces, on a copy, maps each of its faces to the original's face
	// it is (by index), or −1 for a face the original does not show.
	CopyFaces []int `json:"copy_faces,omitempty"`
	// Copies, on an original, are its near-duplicates.
	Copies []string `json:"copies,omitempty"`
	// Anchors, on an original with copies, are the individual each of its
	// faces stands for in every copy (by face index): the original's own,
	// or the detainee number a numbered copy brought.
	Anchors []string `json:"anchors,omitempty"`
	// FaceSearch is what the faces stage's search for faces cost in this
	// photo; nil before the faces stage ran.
	FaceSearch *FaceSearch `json:"face_search,omitempty"`
	// Deduped is when the index stage settled whether the photo is a copy
	// and wrote its face records; zero before.
	Deduped time.Time `json:"deduped,omitzero"`
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

// IsFaceIndividual reports whether key is a face's own individual (a photo
// without a number), not a detainee number's.
func IsFaceIndividual(key string) bool { return strings.HasPrefix(key, "face:") }

// FaceSearch is what the search for faces cost in one photo (the engine's
// Cost), kept so that `status` can name the expensive photos.
type FaceSearch struct {
	Seconds float64 `json:"seconds"`
	// Level is how far the search went: coarse, fine, zoom, cnn or sweep.
	Level string `json:"level"`
	// OverBudget: the per-photo budget stopped the search early.
	OverBudget bool `json:"over_budget,omitempty"`
	Views      int  `json:"views"`
	Chips      int  `json:"chips"`
}

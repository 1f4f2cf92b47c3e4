package cases

import (
	"archive/zip"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"path"
	"sort"
	"time"

	"github.com/facetriage/facetriage/internal/archive"
	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/match"
)

// Trail reads a case's audit events (audit.Log).
type Trail interface {
	ForCase(ctx context.Context, caseID string) ([]audit.Event, error)
}

// manifestEntry lists one file of the export with its SHA-256.
type manifestEntry struct {
	Name   string `json:"name"`
	SHA256 string `json:"sha256"`
	Size   int    `json:"size"`
	// Original is set for the archive's original photos: where it lies.
	Original string `json:"original,omitempty"`
}

// Export writes a zip of the evidence for the case's identified candidate:
// the individual's original photos (checked against their SHA-256), the
// catalogue and face records, the scores with the thresholds' provenance,
// the decisions and the case's audit trail, and a manifest of every file's
// SHA-256. Only the case's reviewers export. The export itself is audited
// before anything is written. open is called once the export can go ahead
// (an adapter sets its response headers there) and gives the writer.
func (s *Service) Export(ctx context.Context, a Actor, id string, open func() io.Writer) error {
	c, _, err := s.load(ctx, a, id, judge)
	if err != nil {
		return err
	}
	ev, trail := s.Archive, s.Trail
	var cand *Candidate
	for i := range c.Candidates {
		if c.Candidates[i].Verdict == Identified {
			cand = &c.Candidates[i]
		}
	}
	if cand == nil {
		return ErrNotIdentified
	}
	ind, err := ev.Individual(ctx, cand.Individual)
	if err != nil {
		return err
	}
	photos := ind.Photos
	if len(photos) == 0 {
		photos = []string{cand.Photo}
	}
	sort.Strings(photos)
	// Record the export before writing it: the trail must show it even if
	// the transfer fails.
	if err := s.audit(ctx, a, "export", id, cand.Individual, map[string]string{"photos": fmt.Sprint(len(photos))}); err != nil {
		return err
	}
	zw := zip.NewWriter(open())
	var manifest []manifestEntry
	add := func(name string, b []byte, original string) error {
		f, err := zw.CreateHeader(&zip.FileHeader{Name: name, Method: zip.Deflate, Modified: s.Now()})
		if err != nil {
			return err
		}
		if _, err := f.Write(b); err != nil {
			return err
		}
		sum := sha256.Sum256(b)
		manifest = append(manifest, manifestEntry{Name: name, SHA256: hex.EncodeToString(sum[:]), Size: len(b), Original: original})
		return nil
	}
	addJSON := func(name string, v any) error {
		b, err := json.MarshalIndent(v, "", "  ")
		if err != nil {
			return err
		}
		return add(name, append(b, '\n'), "")
	}
	var records []archive.Photo
	var missing []string
	for _, sha := range photos {
		p, err := ev.Photo(ctx, sha)
		if err != nil {
			return err
		}
		records = append(records, p)
		var data []byte
		var where string
		for _, pth := range p.Paths {
			if data, err = archive.ReadOriginal(pth, sha, MaxOriginal); err == nil {
				where = pth
				break
			}
		}
		if where == "" {
			missing = append(missing, fmt.Sprintf("%s: %v", sha, err))
			continue
		}
		ext := path.Ext(where)
		if ext == "" || len(ext) > 6 {
			ext = ".bin"
		}
		if err := add("originals/"+sha+ext, data, where); err != nil {
			return err
		}
	}
	var faces []archive.FaceRecord
	want := map[string]bool{}
	for _, sha := range photos {
		want[sha] = true
	}
	if err := ev.Faces(ctx, func(f archive.FaceRecord) error {
		if want[f.Photo] {
			faces = append(faces, f)
		}
		return nil
	}); err != nil {
		return err
	}
	events, err := trail.ForCase(ctx, id)
	if err != nil {
		return err
	}
	th := s.Thresholds
	type scores struct {
		Individual string           `json:"individual"`
		Distance   float64          `json:"distance"`
		Strength   match.Strength   `json:"strength"`
		BestPhoto  string           `json:"best_photo"`
		BestFace   int              `json:"best_face"`
		Thresholds match.Thresholds `json:"thresholds"`
	}
	steps := []error{
		addJSON("case.json", struct {
			ID, Name, DisappearedOn, DisappearedAt, Owner string
			Members                                       []Member
			Created                                       time.Time
			References                                    []Reference
		}{c.ID, c.Name, c.DisappearedOn, c.DisappearedAt, c.Owner, c.MemberList(), c.Created, c.References}),
		addJSON("metadata/photos.json", records),
		addJSON("metadata/faces.json", faces),
		addJSON("scores.json", scores{cand.Individual, cand.Distance, cand.Strength, cand.Photo, cand.Face, th}),
		addJSON("review/decisions.json", cand.Decisions),
		addJSON("review/audit.json", events),
	}
	for _, err := range steps {
		if err != nil {
			return err
		}
	}
	if len(missing) > 0 {
		if err := addJSON("originals/MISSING.json", missing); err != nil {
			return err
		}
	}
	b, _ := json.MarshalIndent(struct {
		Generated time.Time       `json:"generated"`
		By        string          `json:"by"`
		Case      string          `json:"case"`
		Files     []manifestEntry `json:"files"`
	}{s.Now(), a.Name, id, manifest}, "", "  ")
	f, err := zw.Create("MANIFEST.json")
	if err != nil {
		return err
	}
	if _, err := f.Write(b); err != nil {
		return err
	}
	return zw.Close()
}

package cases

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path"
	"sort"
	"time"

	"github.com/facetriage/facetriage/internal/archive"
	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/evidence"
	"github.com/facetriage/facetriage/internal/match"
	"github.com/facetriage/facetriage/internal/search"
)

// Trail reads a case's audit records, and verifies the whole trail
// (audit.Log).
type Trail interface {
	ForCase(ctx context.Context, caseID string) ([]audit.Event, error)
	Verify(ctx context.Context, ws ...audit.Witness) (audit.Report, error)
}

// exportMeta is what an export says it is of, in its signed manifest.
type exportMeta struct {
	Case       string `json:"case"`
	Individual string `json:"individual"`
	By         string `json:"by"`
	Role       string `json:"role"`
}

// Export writes a signed zip of the evidence for the case's identified
// candidate: the individual's original photos (checked against their
// SHA-256), the catalogue and face records, the scores with the
// thresholds' provenance, the decisions, the case's audit trail and the
// trail's verification status (AUDIT-STATUS.json: an export made while
// the trail fails verification says so), and a manifest of every file's
// SHA-256 signed with the installation's key (`facetriage export verify`).
// Only the case's reviewers export. The export is audited before anything
// is written; open is called once it can go ahead (an adapter sets its
// response headers there) and gives the writer.
func (s *Service) Export(ctx context.Context, a Actor, id string, open func() io.Writer) error {
	c, _, err := s.load(ctx, a, id, judge)
	if err != nil {
		return err
	}
	if s.SigningKey == nil {
		return errors.New("cases: no signing key configured: exports cannot be signed")
	}
	var cand *Candidate
	for i := range c.Candidates {
		if c.Candidates[i].Verdict == Identified {
			cand = &c.Candidates[i]
		}
	}
	if cand == nil {
		return ErrNotIdentified
	}
	ind, err := s.Archive.Individual(ctx, cand.Individual)
	if err != nil && !errors.Is(err, archive.ErrNotFound) {
		return err
	}
	photos := ind.Photos
	if len(photos) == 0 {
		photos = []string{cand.Photo}
	}
	sort.Strings(photos)
	// The trail's state before the export's own record, then the record:
	// the trail must show the export even if the transfer fails.
	rep, verr := s.Trail.Verify(ctx)
	if err := s.audit(ctx, a, "export", id, cand.Individual, map[string]string{"photos": fmt.Sprint(len(photos)),
		"trail_intact": fmt.Sprint(verr == nil && rep.OK())}); err != nil {
		return err
	}
	ew := evidence.NewWriter(open(), s.SigningKey, s.Now())
	if err := ew.AddAuditStatus(evidence.AuditStatusOf(rep, verr, s.Now())); err != nil {
		return err
	}
	records, missing, err := s.addOriginals(ctx, ew, photos)
	if err != nil {
		return err
	}
	faces, damaged := s.facesOf(ctx, records)
	missing = append(missing, damaged...)
	events, err := s.Trail.ForCase(ctx, id)
	if err != nil {
		return err
	}
	type scores struct {
		Individual string  `json:"individual"`
		Distance   float64 `json:"distance"`
		// Score is what the strength was read from: the normalised score
		// when Normalised (thresholds.normalised), else the distance.
		Score      float64        `json:"score"`
		Normalised bool           `json:"normalised"`
		Strength   match.Strength `json:"strength"`
		// FPIR and Archive: what the strength meant when the case was
		// last matched (the share of searches of an archive of this size,
		// without the person, that show a face this close).
		FPIR       float64          `json:"fpir"`
		Archive    search.Size      `json:"archive"`
		Meaning    string           `json:"meaning"`
		BestPhoto  string           `json:"best_photo"`
		BestFace   int              `json:"best_face"`
		Thresholds match.Thresholds `json:"thresholds"`
	}
	refs := make([]exportedReference, len(c.References))
	for i, r := range c.References {
		refs[i] = exportedReference{ID: r.ID, Faces: len(r.Faces), Face: r.Face, Child: r.Child, Old: r.Old, Added: r.Added, AddedBy: r.AddedBy}
	}
	steps := []error{
		ew.AddJSON("case.json", struct {
			ID            string              `json:"id"`
			Name          string              `json:"name"`
			DisappearedOn string              `json:"disappeared_on,omitempty"`
			DisappearedAt string              `json:"disappeared_at,omitempty"`
			Owner         string              `json:"owner"`
			Members       []Member            `json:"members"`
			Created       time.Time           `json:"created"`
			References    []exportedReference `json:"references"`
		}{c.ID, c.Name, c.DisappearedOn, c.DisappearedAt, c.Owner, c.MemberList(), c.Created, refs}),
		ew.AddJSON("metadata/photos.json", records),
		ew.AddJSON("metadata/faces.json", faces),
		ew.AddJSON("scores.json", scores{cand.Individual, cand.Distance, cand.Score, cand.Normalised, cand.Strength, cand.FPIR, c.Archive,
			s.Thresholds.Meaning(cand.Strength, c.Archive.Individuals), cand.Photo, cand.Face, s.Thresholds}),
		ew.AddJSON("review/decisions.json", cand.Decisions),
		ew.AddJSON("review/audit.json", events),
	}
	if len(missing) > 0 {
		steps = append(steps, ew.AddJSON("MISSING.json", missing))
	}
	if err := errors.Join(steps...); err != nil {
		return err
	}
	return ew.Close(exportMeta{Case: id, Individual: cand.Individual, By: a.AuditName(), Role: string(a.Role)})
}

// exportedReference is a reference photo as an export describes it: its
// SHA-256 and the caseworker's notes, not the family's photo or its
// biometric template.
type exportedReference struct {
	ID      string    `json:"sha256"`
	Faces   int       `json:"faces"`
	Face    int       `json:"face"`
	Child   bool      `json:"child,omitempty"`
	Old     bool      `json:"old,omitempty"`
	Added   time.Time `json:"added"`
	AddedBy string    `json:"added_by"`
}

// addOriginals adds each photo's original, read where it lies and checked
// against its SHA-256; those that cannot be read are listed as missing.
func (s *Service) addOriginals(ctx context.Context, ew *evidence.Writer, photos []string) ([]archive.Photo, []string, error) {
	var records []archive.Photo
	var missing []string
	for _, sha := range photos {
		p, err := s.Archive.Photo(ctx, sha)
		if err != nil {
			return nil, nil, err
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
		if err := ew.Add("originals/"+sha+ext, data, where); err != nil {
			return nil, nil, err
		}
	}
	return records, missing, nil
}

// facesOf are the face records of photos; a record the store cannot read
// is listed as missing (it does not stop the export).
func (s *Service) facesOf(ctx context.Context, photos []archive.Photo) ([]archive.FaceRecord, []string) {
	var faces []archive.FaceRecord
	var missing []string
	for _, p := range photos {
		fs, err := s.Archive.FacesOf(ctx, p)
		faces = append(faces, fs...)
		if err != nil {
			missing = append(missing, fmt.Sprintf("face records of %s: %v", p.SHA256, err))
		}
	}
	return faces, missing
}

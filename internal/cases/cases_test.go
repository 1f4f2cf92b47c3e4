package cases_test

import (
	"archive/zip"
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/cases"
	"github.com/facetriage/facetriage/internal/engine/facetest"
	"github.com/facetriage/facetriage/internal/evidence"
	"github.com/facetriage/facetriage/internal/ingest"
	"github.com/facetriage/facetriage/internal/keys"
	"github.com/facetriage/facetriage/internal/match"
	"github.com/facetriage/facetriage/internal/pipelinetest"
)

var (
	ctx        = context.Background()
	caseworker = cases.Actor{Name: "amal", Role: auth.RoleCaseworker, Via: auth.ViaSession}
	reviewer   = cases.Actor{Name: "omar", Role: auth.RoleReviewer, Via: auth.ViaSession}
	// reviewer2 is the second pair of eyes an identification needs.
	reviewer2 = cases.Actor{Name: "layla", Role: auth.RoleReviewer, Via: auth.ViaSession}
	// Accounts that are not members of the fixture's cases.
	otherCaseworker = cases.Actor{Name: "nadia", Role: auth.RoleCaseworker, Via: auth.ViaSession}
	otherReviewer   = cases.Actor{Name: "sami", Role: auth.RoleReviewer, Via: auth.ViaSession}
)

type fixture struct {
	rig  *pipelinetest.Rig
	svc  *cases.Service
	log  *audit.Log
	auth *auth.Store
	dir  string
}

// newFixture ingests an archive of fake photos: people 1–8, three photos
// each (person 3's photos carry one detainee number).
// exportedFiles exports a case's evidence as the reviewer and reads every
// file of the zip.
func exportedFiles(t *testing.T, f *fixture, caseID string) map[string][]byte {
	t.Helper()
	var buf bytes.Buffer
	if err := f.svc.Export(ctx, reviewer, caseID, func() io.Writer { return &buf }); err != nil {
		t.Fatal(err)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, zf := range zr.File {
		rc, err := zf.Open()
		if err != nil {
			t.Fatal(err)
		}
		files[zf.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	return files
}

func newFixture(t *testing.T) *fixture {
	t.Helper()
	rig := pipelinetest.Start(t, nil)
	dir := t.TempDir()
	for p := 1; p <= 8; p++ {
		for v := 1; v <= 3; v++ {
			name := fmt.Sprintf("p%d_v%d.png", p, v)
			if p == 3 {
				name = fmt.Sprintf("215_700%d_Sami_2013-01-0%d.png", 3, v)
			}
			pipelinetest.Write(t, filepath.Join(dir, "cache1", name), facetest.Photo(facetest.Spec{Person: uint8(p), Variant: uint8(v)}))
		}
	}
	rig.Ingest(t, ingest.Options{Paths: []string{filepath.Join(dir, "cache1")}, Source: "caesar"})
	d := rig.Casework(t)
	svc, lg := d.Cases, d.Audit
	svc.Shortlist = 5
	for _, a := range []cases.Actor{caseworker, reviewer, reviewer2, otherCaseworker, otherReviewer} {
		if err := d.Auth.AddUser(ctx, a.Name, a.Role, "correct horse battery staple"); err != nil {
			t.Fatal(err)
		}
	}
	return &fixture{rig: rig, svc: svc, log: lg, auth: d.Auth, dir: dir}
}

func sha(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// openCase opens a case with a family photo of person p, shared with the
// reviewer omar.
func (f *fixture) openCase(t *testing.T, p uint8) cases.Case {
	t.Helper()
	c, err := f.svc.Create(ctx, caseworker, cases.Fields{Name: "Missing person", DisappearedOn: "2012-03-04"})
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range []cases.Actor{reviewer, reviewer2} {
		if _, err := f.svc.Share(ctx, caseworker, c.ID, r.Name, r.Role); err != nil {
			t.Fatal(err)
		}
	}
	c, err = f.svc.AddReference(ctx, caseworker, c.ID, facetest.Photo(facetest.Spec{Person: p, Variant: 99}), -1, false, false)
	if err != nil {
		t.Fatal(err)
	}
	c, err = f.svc.Match(ctx, caseworker, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func TestShortlistReviewAndExclusion(t *testing.T) {
	f := newFixture(t)
	c := f.openCase(t, 2)
	if len(c.Candidates) != 5 {
		t.Fatalf("%d candidates, want the shortlist of 5", len(c.Candidates))
	}
	// Person 2's three photos are three individuals (no number), first.
	for i := 0; i < 3; i++ {
		cd := c.Candidates[i]
		if cd.Strength != match.Strong || cd.Verdict != cases.New || cd.Flagged {
			t.Errorf("candidate %d: %+v, want a strong, new, unflagged match", i, cd)
		}
	}
	first, second := c.Candidates[0].Individual, c.Candidates[1].Individual

	// Identification needs "possible" first, and every decision a reason.
	if _, err := f.svc.Decide(ctx, reviewer, c.ID, first, cases.Identified, "same scar"); !errors.Is(err, cases.ErrNotPossible) {
		t.Fatalf("identify a new candidate: %v, want ErrNotPossible", err)
	}
	if _, err := f.svc.Decide(ctx, reviewer, c.ID, first, cases.Possible, " "); !errors.Is(err, cases.ErrInvalid) {
		t.Fatalf("decision without a reason: %v", err)
	}
	if _, err := f.svc.Decide(ctx, reviewer, c.ID, first, cases.Possible, "same eyebrows"); err != nil {
		t.Fatal(err)
	}
	c, err := f.svc.Decide(ctx, reviewer, c.ID, second, cases.Excluded, "different ears")
	if err != nil {
		t.Fatal(err)
	}
	// Matching again never brings the excluded candidate back into the
	// ranking; its decision stays on record.
	for round := 0; round < 2; round++ {
		if c, err = f.svc.Match(ctx, caseworker, c.ID); err != nil {
			t.Fatal(err)
		}
		for _, cd := range c.Candidates {
			if cd.Individual == second && (cd.Listed || cd.Verdict != cases.Excluded) {
				t.Fatalf("round %d: the excluded candidate came back: %+v", round, cd)
			}
		}
	}
	cd, _ := c.Candidate(second)
	if len(cd.Decisions) != 1 || cd.Decisions[0].By != "omar" || cd.Decisions[0].Reason != "different ears" {
		t.Fatalf("the exclusion's record: %+v", cd.Decisions)
	}
	if cd, _ := c.Candidate(first); cd.Verdict != cases.Possible || !cd.Listed {
		t.Fatalf("the possible candidate: %+v", cd)
	}
	if _, err := f.svc.Decide(ctx, reviewer, c.ID, first, cases.Identified, "confirmed by the family's description"); !errors.Is(err, cases.ErrFourEyes) {
		t.Fatalf("the reviewer who marked it possible identifies it too: %v, want ErrFourEyes", err)
	}
	c, err = f.svc.Decide(ctx, reviewer2, c.ID, first, cases.Identified, "confirmed by the family's description")
	if err != nil {
		t.Fatal(err)
	}
	events, err := f.log.ForCase(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var decisions int
	for _, e := range events {
		if e.Action == "decision" {
			decisions++
		}
	}
	if decisions != 3 {
		t.Errorf("%d decisions in the audit trail, want 3", decisions)
	}
}

func TestStandingSearchFlagsNewCandidates(t *testing.T) {
	f := newFixture(t)
	c := f.openCase(t, 9) // person 9 is not in the first cache
	for _, cd := range c.Candidates {
		if cd.Strength == match.Strong || cd.Strength == match.Possible {
			t.Fatalf("a stranger matches: %+v", cd)
		}
	}
	// A second cache arrives with two photos of person 9.
	cache2 := filepath.Join(f.dir, "cache2")
	for v := 1; v <= 2; v++ {
		pipelinetest.Write(t, filepath.Join(cache2, fmt.Sprintf("p9_v%d.png", v)), facetest.Photo(facetest.Spec{Person: 9, Variant: uint8(v)}))
	}
	f.rig.Ingest(t, ingest.Options{Paths: []string{cache2}, Source: "dossier"})
	flagged, err := f.svc.Rematch(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if flagged[c.ID] != 2 {
		t.Fatalf("flagged %v, want 2 new candidates for case %s", flagged, c.ID)
	}
	c, _ = f.svc.Get(ctx, reviewer, c.ID)
	if c.Flagged() != 2 || !c.Candidates[0].Flagged || c.Candidates[0].Source != "dossier" {
		t.Fatalf("case after the standing search: %+v", c.Candidates[:2])
	}
	// Reviewing clears the flag; a later rematch flags nothing new.
	if _, err := f.svc.Decide(ctx, reviewer, c.ID, c.Candidates[0].Individual, cases.Possible, "looks alike"); err != nil {
		t.Fatal(err)
	}
	again, _ := f.svc.Rematch(ctx)
	if again[c.ID] != 0 {
		t.Fatalf("a second rematch flagged %d more", again[c.ID])
	}
}

func TestReferencePhotosWithSeveralFaces(t *testing.T) {
	f := newFixture(t)
	c, _ := f.svc.Create(ctx, caseworker, cases.Fields{Name: "Someone"})
	group := facetest.Photo(facetest.Spec{Person: 4, Faces: 3})
	_, err := f.svc.AddReference(ctx, caseworker, c.ID, group, -1, false, false)
	var pe *cases.PickFaceError
	if !errors.As(err, &pe) || len(pe.Faces) != 3 {
		t.Fatalf("got %v, want a choice of 3 faces", err)
	}
	c, err = f.svc.AddReference(ctx, caseworker, c.ID, group, 1, true, false)
	if err != nil {
		t.Fatal(err)
	}
	if r := c.References[0]; r.Face != 1 || !r.Child || r.Descriptor != facetest.Descriptor(5, 0) {
		t.Fatalf("reference %+v: want face 1 (person 5), marked child", r)
	}
	if _, err := f.svc.AddReference(ctx, caseworker, c.ID, facetest.Photo(facetest.Spec{Kind: facetest.NoFace}), -1, false, false); !errors.Is(err, cases.ErrNoFace) {
		t.Fatalf("a photo without a face: %v", err)
	}
	if _, err := f.svc.Create(ctx, caseworker, cases.Fields{Name: ""}); !errors.Is(err, cases.ErrInvalid) {
		t.Fatalf("a case without a name: %v", err)
	}
	if _, err := f.svc.Create(ctx, caseworker, cases.Fields{Name: "x", DisappearedOn: "last spring"}); !errors.Is(err, cases.ErrInvalid) {
		t.Fatalf("a case with a bad date: %v", err)
	}
	if _, err := f.svc.Get(ctx, caseworker, "../../etc"); !errors.Is(err, cases.ErrNotFound) {
		t.Fatalf("a bad case id: %v", err)
	}
}

func TestEvidenceExport(t *testing.T) {
	f := newFixture(t)
	c := f.openCase(t, 3) // the numbered individual: three photos
	ind := c.Candidates[0].Individual
	if ind != "caesar/215/7003" || c.Candidates[0].Photos != 3 {
		t.Fatalf("rank 1: %+v, want the numbered individual with 3 photos", c.Candidates[0])
	}
	var buf bytes.Buffer
	to := func() io.Writer { return &buf }
	if err := f.svc.Export(ctx, reviewer, c.ID, to); !errors.Is(err, cases.ErrNotIdentified) {
		t.Fatalf("export before identification: %v", err)
	}
	f.svc.Decide(ctx, reviewer, c.ID, ind, cases.Possible, "same")
	f.svc.Decide(ctx, reviewer2, c.ID, ind, cases.Identified, "the family recognised the clothes")
	if err := f.svc.Export(ctx, caseworker, c.ID, to); !errors.Is(err, cases.ErrForbidden) {
		t.Fatalf("export by the caseworker: %v, want ErrForbidden (reviewers export)", err)
	}
	if err := f.svc.Export(ctx, reviewer, c.ID, to); err != nil {
		t.Fatal(err)
	}
	// Signed with the installation's key, every member's hash checked.
	rep, err := evidence.Verify(bytes.NewReader(buf.Bytes()), int64(buf.Len()), keys.Public(f.svc.SigningKey))
	if err != nil || !rep.OK() {
		t.Fatalf("export verify: %v %v", err, rep.Problems)
	}
	zr, err := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	if err != nil {
		t.Fatal(err)
	}
	files := map[string][]byte{}
	for _, zf := range zr.File {
		rc, _ := zf.Open()
		files[zf.Name], _ = io.ReadAll(rc)
		rc.Close()
	}
	var manifest struct {
		Files []struct{ Name, SHA256, Original string }
	}
	if err := json.Unmarshal(files["MANIFEST.json"], &manifest); err != nil {
		t.Fatal(err)
	}
	originals := 0
	for _, m := range manifest.Files {
		b, ok := files[m.Name]
		if !ok || sha(b) != m.SHA256 {
			t.Errorf("%s: missing or its SHA-256 differs from the manifest", m.Name)
		}
		if m.Original != "" {
			originals++
			if filepath.Base(m.Name) != m.SHA256+".png" {
				t.Errorf("original %s is not named by its SHA-256", m.Name)
			}
		}
	}
	if originals != 3 {
		t.Errorf("%d originals, want the individual's 3 photos", originals)
	}
	var status evidence.AuditStatus
	if err := json.Unmarshal(files[evidence.AuditStatusName], &status); err != nil || !status.Intact || status.How != "full" {
		t.Errorf("audit status %+v (%v), want a trail verified intact", status, err)
	}
	if bytes.Contains(files["case.json"], []byte("descriptor")) {
		t.Error("the export carries the reference's biometric template")
	}
	for _, name := range []string{"case.json", "metadata/photos.json", "metadata/faces.json", "scores.json", "review/decisions.json", "review/audit.json"} {
		if len(files[name]) == 0 {
			t.Errorf("%s missing from the export", name)
		}
	}
	// One naming convention: every field of every JSON member is
	// snake_case (the keys of EXIF tags and audit details are data).
	for name, b := range files {
		if !strings.HasSuffix(name, ".json") {
			continue
		}
		var v any
		if err := json.Unmarshal(b, &v); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		for _, bad := range notSnake(v, "") {
			t.Errorf("%s: %s is not snake_case", name, bad)
		}
	}
	var trail []audit.Event
	json.Unmarshal(files["review/audit.json"], &trail)
	if len(trail) == 0 || trail[len(trail)-1].Action != "export" {
		t.Errorf("the exported trail does not end with the export itself: %d events", len(trail))
	}
}

// An export made while the audit trail fails verification says so inside
// the signed zip.
func TestExportSaysWhenTheTrailFails(t *testing.T) {
	f := newFixture(t)
	c := f.openCase(t, 3)
	ind := c.Candidates[0].Individual
	f.svc.Decide(ctx, reviewer, c.ID, ind, cases.Possible, "same")
	f.svc.Decide(ctx, reviewer2, c.ID, ind, cases.Identified, "the family recognised the clothes")
	// Someone with the server's NATS credentials truncates the trail.
	st, err := f.rig.Srv.JS.Stream(ctx, audit.StreamName)
	if err != nil {
		t.Fatal(err)
	}
	cfg := st.CachedInfo().Config
	cfg.MaxMsgs = 5
	if _, err := f.rig.Srv.Admin(t).UpdateStream(ctx, cfg); err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if err := f.svc.Export(ctx, reviewer, c.ID, func() io.Writer { return &buf }); err != nil {
		t.Fatal(err)
	}
	rep, err := evidence.Verify(bytes.NewReader(buf.Bytes()), int64(buf.Len()), keys.Public(f.svc.SigningKey))
	if err != nil || !rep.OK() {
		t.Fatalf("export verify: %v %v", err, rep.Problems)
	}
	zr, _ := zip.NewReader(bytes.NewReader(buf.Bytes()), int64(buf.Len()))
	rc, err := zr.Open(evidence.AuditStatusName)
	if err != nil {
		t.Fatal(err)
	}
	var status evidence.AuditStatus
	json.NewDecoder(rc).Decode(&status)
	rc.Close()
	if status.Intact || !strings.HasPrefix(status.Statement, "WARNING") || len(status.Problems) == 0 {
		t.Fatalf("audit status %+v: want a warning that the trail failed", status)
	}
	t.Logf("AUDIT-STATUS.json says: %s", status.Statement)
}

// A shortlist where no one is a possible match says so; a reviewer records
// "none of these" with a reason, audited, and the case stays open under
// standing search.
func TestNoneOfThese(t *testing.T) {
	f := newFixture(t)
	c := f.openCase(t, 9) // person 9 is not in the archive
	if !c.NoneOfThese() {
		t.Fatalf("a stranger's shortlist does not say none of these: %+v", c.Candidates)
	}
	if c.Archive.Faces != 24 || c.Archive.Individuals < 8 {
		t.Fatalf("the archive's size at the match: %+v", c.Archive)
	}
	if _, err := f.svc.NoneOfThese(ctx, caseworker, c.ID, "no"); !errors.Is(err, cases.ErrForbidden) {
		t.Fatalf("a caseworker closes the shortlist: %v", err)
	}
	if _, err := f.svc.NoneOfThese(ctx, reviewer, c.ID, " "); !errors.Is(err, cases.ErrNoReason) {
		t.Fatalf("without a reason: %v", err)
	}
	c, err := f.svc.NoneOfThese(ctx, reviewer, c.ID, "none resembles the family's photo")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Reviews) != 1 || c.Reviews[0].By != "omar" || c.Status != cases.StatusOpen || c.Reviews[0].Archive != c.Archive {
		t.Fatalf("after none of these: %+v, status %s", c.Reviews, c.Status)
	}
	events, _ := f.log.ForCase(ctx, c.ID)
	if e := events[len(events)-1]; e.Action != "shortlist_none_of_these" || e.Detail["reason"] == "" {
		t.Fatalf("the record: %+v", e)
	}
	// A person who is in the archive gets leads, not "none of these".
	if c := f.openCase(t, 2); c.NoneOfThese() {
		t.Fatalf("person 2's shortlist says none of these: %+v", c.Candidates)
	}
}

// Changing an identification takes a proposal and a second reviewer's
// confirmation; both stay in the candidate's history.
func TestChangingAnIdentificationTakesTwoReviewers(t *testing.T) {
	f := newFixture(t)
	c := f.openCase(t, 2)
	ind := c.Candidates[0].Individual
	f.svc.Decide(ctx, reviewer, c.ID, ind, cases.Possible, "same brow")
	if _, err := f.svc.Decide(ctx, reviewer2, c.ID, ind, cases.Identified, "the family recognised the scar"); err != nil {
		t.Fatal(err)
	}
	c, err := f.svc.Decide(ctx, reviewer2, c.ID, ind, cases.Excluded, "changed my mind")
	if err != nil {
		t.Fatal(err)
	}
	cd, _ := c.Candidate(ind)
	if cd.Verdict != cases.Identified || cd.Proposal == nil || cd.Proposal.By != "layla" {
		t.Fatalf("one reviewer's change was applied: %+v", cd)
	}
	if _, err := f.svc.Decide(ctx, reviewer2, c.ID, ind, cases.Excluded, "still"); !errors.Is(err, cases.ErrFourEyes) {
		t.Fatalf("the proposer confirms their own change: %v", err)
	}
	if c, err = f.svc.Decide(ctx, reviewer, c.ID, ind, cases.Excluded, "the teeth differ on the full photo"); err != nil {
		t.Fatal(err)
	}
	cd, _ = c.Candidate(ind)
	n := len(cd.Decisions)
	if cd.Verdict != cases.Excluded || cd.Proposal != nil || n != 4 || !cd.Decisions[n-2].Proposal || cd.Decisions[n-1].Confirms != "layla" {
		t.Fatalf("after the confirmation: %+v", cd)
	}
	// A team of one can say so.
	f.svc.SingleReviewer = true
	c = f.openCase(t, 3)
	ind = c.Candidates[0].Individual
	f.svc.Decide(ctx, reviewer, c.ID, ind, cases.Possible, "same")
	if _, err := f.svc.Decide(ctx, reviewer, c.ID, ind, cases.Identified, "same"); err != nil {
		t.Fatalf("a single reviewer, allowed: %v", err)
	}
}

// A reference photo added by mistake is removed: the photo is deleted, the
// shortlist made again from the references that remain, and the removal
// audited with its reason.
func TestRemoveReference(t *testing.T) {
	f := newFixture(t)
	c := f.openCase(t, 2)
	wrong := facetest.Photo(facetest.Spec{Person: 5, Variant: 77})
	c, err := f.svc.AddReference(ctx, caseworker, c.ID, wrong, -1, false, false)
	if err != nil {
		t.Fatal(err)
	}
	if c, err = f.svc.Match(ctx, caseworker, c.ID); err != nil {
		t.Fatal(err)
	}
	wrongID := c.References[1].ID
	if _, err := f.svc.RemoveReference(ctx, reviewer, c.ID, wrongID, "not ours"); !errors.Is(err, cases.ErrForbidden) {
		t.Fatalf("a reviewer removes a reference: %v", err)
	}
	if _, err := f.svc.RemoveReference(ctx, caseworker, c.ID, wrongID, ""); !errors.Is(err, cases.ErrInvalid) {
		t.Fatalf("without a reason: %v", err)
	}
	c, err = f.svc.RemoveReference(ctx, caseworker, c.ID, wrongID, "the family gave a photo of a cousin by mistake")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.References) != 1 {
		t.Fatalf("%d references left, want 1", len(c.References))
	}
	for _, cd := range c.Candidates {
		if cd.Listed && strings.HasPrefix(cd.Individual, "face:") && cd.Strength == match.Strong {
			if p, _ := f.rig.Catalog.Photo(ctx, cd.Photo); len(p.Paths) > 0 && strings.Contains(p.Paths[0], "p5_") {
				t.Errorf("person 5, found only by the removed photo, is still a strong candidate: %+v", cd)
			}
		}
	}
	if _, err := f.svc.ReferencePhoto(ctx, caseworker, c.ID, wrongID); !errors.Is(err, cases.ErrNotFound) {
		t.Fatalf("the removed photo: %v", err)
	}
	events, _ := f.log.ForCase(ctx, c.ID)
	var removed bool
	for _, e := range events {
		removed = removed || e.Action == "reference_remove" && e.Object == wrongID && e.Detail["reason"] != ""
	}
	if !removed {
		t.Error("the removal is not audited")
	}
}

var snakeName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// notSnake lists the field names of a decoded JSON document that are not
// snake_case, but for maps of data (tags, detail).
func notSnake(v any, path string) []string {
	var out []string
	switch v := v.(type) {
	case map[string]any:
		data := strings.HasSuffix(path, ".tags") || strings.HasSuffix(path, ".detail")
		for k, e := range v {
			if !data && !snakeName.MatchString(k) {
				out = append(out, path+"."+k)
			}
			out = append(out, notSnake(e, path+"."+k)...)
		}
	case []any:
		for _, e := range v {
			out = append(out, notSnake(e, path+"[]")...)
		}
	}
	return out
}

package cases_test

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"testing"

	"github.com/facetriage/facetriage/internal/cases"
	"github.com/facetriage/facetriage/internal/engine/facetest"
)

// Attack: reviewers must never receive the family's contact. The audit
// records of case_create and case_update hold the contact as an unsalted
// SHA-256 prefix ("sha256:" and 16 hex digits), and the reviewer's
// evidence export carries the case's records in review/audit.json. A phone
// number has about 10^9 possible values: whoever holds the export (the
// reviewer, a lawyer, a court) recovers it by trying them all in seconds.
// Neither the contact nor an unkeyed digest of it may be in the export.
func TestAttackExportCarriesNoDigestOfTheContact(t *testing.T) {
	f := newFixture(t)
	const contact = "+963 944 123 456"
	c, err := f.svc.Create(ctx, caseworker, cases.Fields{Name: "Missing person", Contact: "+963 944 000 000"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Update(ctx, caseworker, c.ID, cases.Fields{Name: "Missing person", Contact: contact}); err != nil {
		t.Fatal(err)
	}
	for _, r := range []cases.Actor{reviewer, reviewer2} {
		if _, err := f.svc.Share(ctx, caseworker, c.ID, r.Name, r.Role); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.svc.AddReference(ctx, caseworker, c.ID, facetest.Photo(facetest.Spec{Person: 3, Variant: 99}), -1, false, false); err != nil {
		t.Fatal(err)
	}
	if c, err = f.svc.Match(ctx, caseworker, c.ID); err != nil {
		t.Fatal(err)
	}
	ind := c.Candidates[0].Individual
	if _, err := f.svc.Decide(ctx, reviewer, c.ID, ind, cases.Possible, "same"); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Decide(ctx, reviewer2, c.ID, ind, cases.Identified, "the family recognised the clothes"); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256([]byte(contact))
	digest := hex.EncodeToString(sum[:8]) // a prefix of the full hash too
	for name, b := range exportedFiles(t, f, c.ID) {
		switch {
		case bytes.Contains(b, []byte(contact)):
			t.Errorf("%s: holds the family's contact", name)
		case bytes.Contains(b, []byte(digest)):
			t.Errorf("%s: holds an unkeyed SHA-256 of the family's contact (%s…): reversible by trying every phone number", name, digest)
		}
	}
}

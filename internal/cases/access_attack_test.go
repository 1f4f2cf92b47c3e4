package cases_test

import (
	"errors"
	"strings"
	"testing"

	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/cases"
)

// Attack: a second caseworker and an unassigned reviewer try every
// route of a case that is not theirs. Each answer is "not found", as it
// should be, but nothing of the attempts reaches the audit trail, while a
// role refusal is audited ("denied"). A colleague probing the cases of
// families they do not work for leaves no trace to be found later.
func TestAttackNonMembersProbingACaseAreAudited(t *testing.T) {
	f := newFixture(t)
	c := f.openCase(t, 2)
	for _, a := range []cases.Actor{otherCaseworker, otherReviewer} {
		if _, err := f.svc.Get(ctx, a, c.ID); !errors.Is(err, cases.ErrNotFound) {
			t.Fatalf("%s reads the case: %v, want ErrNotFound", a.Name, err)
		}
		if _, err := f.svc.Crop(ctx, a, c.ID, c.Candidates[0].Individual, cases.CropRequest{Reveal: true}); !errors.Is(err, cases.ErrNotFound) {
			t.Fatalf("%s asks for a crop: %v, want ErrNotFound", a.Name, err)
		}
	}
	seen := map[string]bool{}
	if err := f.log.Read(ctx, 1, func(e audit.Event) error {
		if e.Case == c.ID || strings.Contains(e.Object, c.ID) {
			seen[e.Actor] = true
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	for _, a := range []cases.Actor{otherCaseworker, otherReviewer} {
		if !seen[a.Name] {
			t.Errorf("%s tried to read case %s and its crop: no record of it in the audit trail", a.Name, c.ID)
		}
	}
}

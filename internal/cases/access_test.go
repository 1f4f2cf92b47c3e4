package cases_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"testing"

	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/cases"
	"github.com/facetriage/facetriage/internal/engine/facetest"
)

// everyAction is every service method that reaches one case, by name.
func everyAction(f *fixture, c cases.Case) map[string]func(a cases.Actor) error {
	ind, ref := c.Candidates[0].Individual, c.References[0].ID
	photo := facetest.Photo(facetest.Spec{Person: 2, Variant: 50})
	return map[string]func(a cases.Actor) error{
		"get":      func(a cases.Actor) error { _, err := f.svc.Get(ctx, a, c.ID); return err },
		"update":   func(a cases.Actor) error { _, err := f.svc.Update(ctx, a, c.ID, cases.Fields{Name: "x"}); return err },
		"close":    func(a cases.Actor) error { _, err := f.svc.SetStatus(ctx, a, c.ID, cases.StatusClosed); return err },
		"share":    func(a cases.Actor) error { _, err := f.svc.Share(ctx, a, c.ID, a.Name, a.Role); return err },
		"unshare":  func(a cases.Actor) error { _, err := f.svc.Unshare(ctx, a, c.ID, reviewer.Name); return err },
		"reassign": func(a cases.Actor) error { _, err := f.svc.Reassign(ctx, a, c.ID, a.Name, false); return err },
		"add reference": func(a cases.Actor) error {
			_, err := f.svc.AddReference(ctx, a, c.ID, photo, -1, false, false)
			return err
		},
		"reference photo": func(a cases.Actor) error { _, err := f.svc.ReferencePhoto(ctx, a, c.ID, ref); return err },
		"match":           func(a cases.Actor) error { _, err := f.svc.Match(ctx, a, c.ID); return err },
		"decide": func(a cases.Actor) error {
			_, err := f.svc.Decide(ctx, a, c.ID, ind, cases.Possible, "looks alike")
			return err
		},
		"crop": func(a cases.Actor) error { _, err := f.svc.Crop(ctx, a, c.ID, ind, cases.CropRequest{}); return err },
		"reveal": func(a cases.Actor) error {
			_, err := f.svc.Crop(ctx, a, c.ID, ind, cases.CropRequest{Reveal: true})
			return err
		},
		"full photo": func(a cases.Actor) error { _, err := f.svc.FullPhoto(ctx, a, c.ID, ind); return err },
		"family":     func(a cases.Actor) error { _, err := f.svc.Family(ctx, a, c.ID); return err },
		"shown":      func(a cases.Actor) error { _, err := f.svc.Shown(ctx, a, c.ID); return err },
		"export": func(a cases.Actor) error {
			return f.svc.Export(ctx, a, c.ID, func() io.Writer { return io.Discard })
		},
	}
}

// A caseworker who does not work a case, and a reviewer not assigned to
// it, are told it does not exist, whatever they try; the case does not
// change and they see nothing of it.
func TestNonMembersSeeNothing(t *testing.T) {
	f := newFixture(t)
	c := f.openCase(t, 2)
	before, err := f.svc.Get(ctx, caseworker, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	for name, act := range everyAction(f, c) {
		for _, a := range []cases.Actor{otherCaseworker, otherReviewer,
			{Name: otherCaseworker.Name, Role: auth.RoleCaseworker, Via: auth.ViaToken, Token: "TOKEN0000001"}} {
			if err := act(a); !errors.Is(err, cases.ErrNotFound) {
				t.Errorf("%s by %s (%s): %v, want ErrNotFound", name, a.Name, a.Via, err)
			}
		}
	}
	// The owner with another role (the account changed role) is no member.
	if _, err := f.svc.Get(ctx, cases.Actor{Name: caseworker.Name, Role: auth.RoleReviewer, Via: auth.ViaSession}, c.ID); !errors.Is(err, cases.ErrNotFound) {
		t.Errorf("the owner under another role: %v, want ErrNotFound", err)
	}
	after, err := f.svc.Get(ctx, caseworker, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !after.Updated.Equal(before.Updated) || after.Status != cases.StatusOpen || len(after.References) != 1 {
		t.Fatalf("non-members changed the case: %+v", after)
	}
	for _, a := range []cases.Actor{otherCaseworker, otherReviewer} {
		cs, err := f.svc.List(ctx, a)
		if err != nil || len(cs) != 0 {
			t.Errorf("%s lists %d cases (%v), want none", a.Name, len(cs), err)
		}
		if sh, err := f.svc.Shown(ctx, caseworker, c.ID); err != nil || sh != (cases.Shown{}) {
			t.Errorf("shown to the owner: %+v %v: nothing was shown to anyone", sh, err)
		}
	}
}

// Members act by their role in the case: a reviewer judges and does not
// see the family's contact; only caseworkers change the case.
func TestMembersActByTheirRole(t *testing.T) {
	f := newFixture(t)
	c, err := f.svc.Create(ctx, caseworker, cases.Fields{Name: "Missing", Contact: "his sister, +963 11 000 0000", Notes: "scar on the left cheek"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Share(ctx, caseworker, c.ID, reviewer.Name, reviewer.Role); err != nil {
		t.Fatal(err)
	}
	got, err := f.svc.Get(ctx, reviewer, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.Contact != "" || got.Notes == "" {
		t.Fatalf("the reviewer sees contact %q, notes %q: want no contact, the notes", got.Contact, got.Notes)
	}
	if cs, _ := f.svc.List(ctx, reviewer); len(cs) != 1 || cs[0].Contact != "" {
		t.Fatalf("the reviewer's list: %+v", cs)
	}
	if got, _ := f.svc.Get(ctx, caseworker, c.ID); got.Contact == "" {
		t.Fatal("the caseworker does not see the contact")
	}
	for name, err := range map[string]error{
		"update": func() error { _, err := f.svc.Update(ctx, reviewer, c.ID, cases.Fields{Name: "y"}); return err }(),
		"share": func() error {
			_, err := f.svc.Share(ctx, reviewer, c.ID, otherReviewer.Name, auth.RoleReviewer)
			return err
		}(),
		"family": func() error { _, err := f.svc.Family(ctx, reviewer, c.ID); return err }(),
		"create": func() error { _, err := f.svc.Create(ctx, reviewer, cases.Fields{Name: "z"}); return err }(),
	} {
		if !errors.Is(err, cases.ErrForbidden) {
			t.Errorf("reviewer %s: %v, want ErrForbidden", name, err)
		}
	}
	if _, err := f.svc.Share(ctx, caseworker, c.ID, "nobody", auth.RoleReviewer); !errors.Is(err, cases.ErrNoAccount) {
		t.Errorf("sharing with no account: %v", err)
	}
	if _, err := f.svc.Share(ctx, caseworker, c.ID, otherCaseworker.Name, auth.RoleReviewer); !errors.Is(err, cases.ErrNoAccount) {
		t.Errorf("sharing with a caseworker as a reviewer: %v", err)
	}
	if _, err := f.svc.Share(ctx, caseworker, c.ID, "admin1", auth.RoleAdmin); !errors.Is(err, cases.ErrInvalid) {
		t.Errorf("sharing with an admin: %v", err)
	}
}

// Sharing makes a case visible to the new member, the audit says who
// shared it with whom, and reassigning moves the responsibility.
func TestSharingAndReassigning(t *testing.T) {
	f := newFixture(t)
	c := f.openCase(t, 2)
	if _, err := f.svc.Get(ctx, otherReviewer, c.ID); !errors.Is(err, cases.ErrNotFound) {
		t.Fatalf("before sharing: %v", err)
	}
	if _, err := f.svc.Share(ctx, caseworker, c.ID, otherReviewer.Name, auth.RoleReviewer); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Crop(ctx, otherReviewer, c.ID, c.Candidates[0].Individual, cases.CropRequest{}); err != nil {
		t.Fatalf("a crop, after sharing: %v", err)
	}
	if _, err := f.svc.Unshare(ctx, caseworker, c.ID, otherReviewer.Name); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Crop(ctx, otherReviewer, c.ID, c.Candidates[0].Individual, cases.CropRequest{}); !errors.Is(err, cases.ErrNotFound) {
		t.Fatalf("a crop, after unsharing: %v", err)
	}
	// Reassign to nadia; amal leaves.
	if _, err := f.svc.Reassign(ctx, caseworker, c.ID, otherCaseworker.Name, true); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Get(ctx, caseworker, c.ID); !errors.Is(err, cases.ErrNotFound) {
		t.Fatalf("the previous owner, who left: %v", err)
	}
	got, err := f.svc.Get(ctx, otherCaseworker, c.ID)
	if err != nil || got.Owner != otherCaseworker.Name {
		t.Fatalf("the new owner: %+v %v", got.Owner, err)
	}
	if _, err := f.svc.Unshare(ctx, otherCaseworker, c.ID, otherCaseworker.Name); !errors.Is(err, cases.ErrInvalid) {
		t.Fatalf("removing the owner: %v", err)
	}
	events, err := f.log.ForCase(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	want := []string{"case_share amal reviewer:omar", "case_share amal reviewer:layla", "case_share amal reviewer:sami", "case_unshare amal reviewer:sami", "case_reassign amal amal→nadia"}
	var got2 []string
	for _, e := range events {
		switch e.Action {
		case "case_share", "case_unshare":
			got2 = append(got2, fmt.Sprintf("%s %s %s:%s", e.Action, e.Actor, e.Detail["role"], e.Detail["member"]))
		case "case_reassign":
			got2 = append(got2, fmt.Sprintf("%s %s %s→%s", e.Action, e.Actor, e.Detail["from"], e.Detail["to"]))
		}
	}
	if strings.Join(got2, "; ") != strings.Join(want, "; ") {
		t.Fatalf("membership records:\n%s\nwant\n%s", strings.Join(got2, "\n"), strings.Join(want, "\n"))
	}
}

// An update's audit record holds what changed; of the family's contact and
// the notes, only that they changed.
func TestUpdateRecordsWhatChanged(t *testing.T) {
	f := newFixture(t)
	c, err := f.svc.Create(ctx, caseworker, cases.Fields{Name: "Khaled", DisappearedOn: "2013-01-02", Contact: "mother: 0999 111 222"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.Update(ctx, caseworker, c.ID, cases.Fields{Name: "Khaled Omar", DisappearedOn: "2013-01-02",
		DisappearedAt: "Damascus", Contact: "brother: 0988 333 444"}); err != nil {
		t.Fatal(err)
	}
	events, _ := f.log.ForCase(ctx, c.ID)
	e := events[len(events)-1]
	if e.Action != "case_update" || e.Detail["name"] != "Khaled → Khaled Omar" || e.Detail["disappeared_at"] != " → Damascus" {
		t.Fatalf("update record %+v", e)
	}
	if _, ok := e.Detail["disappeared_on"]; ok {
		t.Errorf("an unchanged field is recorded: %v", e.Detail)
	}
	for k, v := range e.Detail {
		if strings.Contains(v, "0999") || strings.Contains(v, "0988") {
			t.Errorf("the contact is in the audit trail in clear: %s=%s", k, v)
		}
	}
	if e.Detail["contact"] != "changed" {
		t.Errorf("the contact change is not recorded as a change: %v", e.Detail)
	}
}

// What a person was shown counts distinct images, every showing is
// audited, and showing images does not rewrite the case.
func TestShownCountsDistinctImagesWithoutRewritingTheCase(t *testing.T) {
	f := newFixture(t)
	c := f.openCase(t, 2)
	before, _ := f.svc.Get(ctx, reviewer, c.ID)
	a, b := c.Candidates[0].Individual, c.Candidates[1].Individual
	for range 3 {
		for _, ind := range []string{a, b} {
			if _, err := f.svc.Crop(ctx, reviewer, c.ID, ind, cases.CropRequest{}); err != nil {
				t.Fatal(err)
			}
		}
	}
	for range 2 {
		if _, err := f.svc.Crop(ctx, reviewer, c.ID, a, cases.CropRequest{Reveal: true, Grey: true}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.svc.FullPhoto(ctx, reviewer, c.ID, a); err != nil {
		t.Fatal(err)
	}
	if _, err := f.svc.ReferencePhoto(ctx, caseworker, c.ID, c.References[0].ID); err != nil {
		t.Fatal(err)
	}
	sh, err := f.svc.Shown(ctx, reviewer, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	if want := (cases.Shown{BlurredCrops: 2, RevealedCrops: 1, FullPhotos: 1}); sh != want {
		t.Fatalf("shown to the reviewer %+v, want %+v", sh, want)
	}
	if sh, _ := f.svc.Shown(ctx, caseworker, c.ID); sh != (cases.Shown{References: 1}) {
		t.Fatalf("shown to the caseworker %+v, want one reference", sh)
	}
	after, _ := f.svc.Get(ctx, reviewer, c.ID)
	if !after.Updated.Equal(before.Updated) {
		t.Fatal("showing images rewrote the case")
	}
	views := 0
	events, _ := f.log.ForCase(ctx, c.ID)
	for _, e := range events {
		if e.Action == "view" {
			views++
		}
	}
	if views != 6+2+1+1 {
		t.Fatalf("%d views audited, want every showing (10)", views)
	}
}

// Ten crops shown at once while a reviewer decides: nothing conflicts,
// and the decision is saved.
func TestViewsDoNotRaceDecisions(t *testing.T) {
	f := newFixture(t)
	c := f.openCase(t, 2)
	var wg sync.WaitGroup
	errs := make(chan error, 20)
	for i := range 10 {
		wg.Go(func() {
			_, err := f.svc.Crop(ctx, reviewer, c.ID, c.Candidates[i%len(c.Candidates)].Individual, cases.CropRequest{})
			errs <- err
		})
	}
	wg.Go(func() {
		_, err := f.svc.Decide(ctx, reviewer, c.ID, c.Candidates[0].Individual, cases.Possible, "same brow")
		errs <- err
	})
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	got, _ := f.svc.Get(ctx, reviewer, c.ID)
	if got.Candidates[0].Verdict != cases.Possible {
		t.Fatalf("the decision was lost: %+v", got.Candidates[0])
	}
}

// failingAudit is an audit trail that refuses every record.
type failingAudit struct{}

func (failingAudit) Append(context.Context, audit.Event) (audit.Event, error) {
	return audit.Event{}, errors.New("the audit store is full")
}

// Nothing is changed and nothing shown that the trail does not hold.
func TestAuditComesFirst(t *testing.T) {
	f := newFixture(t)
	c := f.openCase(t, 2)
	f.svc.Audit = failingAudit{}
	if _, err := f.svc.Update(ctx, caseworker, c.ID, cases.Fields{Name: "Changed"}); err == nil {
		t.Fatal("an update was accepted without its audit record")
	}
	if _, err := f.svc.Decide(ctx, reviewer, c.ID, c.Candidates[0].Individual, cases.Excluded, "no"); err == nil {
		t.Fatal("a decision was accepted without its audit record")
	}
	if b, err := f.svc.Crop(ctx, reviewer, c.ID, c.Candidates[0].Individual, cases.CropRequest{Reveal: true}); err == nil || b != nil {
		t.Fatal("a crop was shown without its audit record")
	}
	var buf bytes.Buffer
	if err := f.svc.Export(ctx, reviewer, c.ID, func() io.Writer { return &buf }); err == nil || buf.Len() > 0 {
		t.Fatal("an export was written without its audit record")
	}
	f.svc.Audit = f.log
	got, _ := f.svc.Get(ctx, caseworker, c.ID)
	if got.Name == "Changed" || got.Candidates[0].Verdict != cases.New {
		t.Fatalf("changes were saved without their records: %q, %s", got.Name, got.Candidates[0].Verdict)
	}
}

// A token acts for its owner: it reaches the owner's cases, and the trail
// names the token and its owner.
func TestTokenActsForItsOwner(t *testing.T) {
	f := newFixture(t)
	c := f.openCase(t, 2)
	tok := cases.Actor{Name: reviewer.Name, Role: auth.RoleReviewer, Via: auth.ViaToken, Token: "TOKENREVIEW1"}
	if _, err := f.svc.Decide(ctx, tok, c.ID, c.Candidates[0].Individual, cases.Possible, "batch review"); err != nil {
		t.Fatal(err)
	}
	events, _ := f.log.ForCase(ctx, c.ID)
	e := events[len(events)-1]
	if e.Action != "decision" || e.Actor != "token:TOKENREVIEW1" || e.Detail["user"] != "omar" {
		t.Fatalf("record %s by %s, detail %v: want the token as actor and omar as its user", e.Action, e.Actor, e.Detail)
	}
	got, _ := f.svc.Get(ctx, reviewer, c.ID)
	if d := got.Candidates[0].Decisions; len(d) != 1 || d[0].By != "omar" {
		t.Fatalf("decision by %+v, want omar", d)
	}
}

package cases

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/vector"
)

// Fields are what a caseworker writes about a case.
type Fields struct {
	Name          string        `json:"name"`
	DisappearedOn string        `json:"disappeared_on"`
	DisappearedAt string        `json:"disappeared_at"`
	Notes         string        `json:"notes"`
	Contact       string        `json:"contact"`
	Filter        vector.Filter `json:"filter"`
}

func (f Fields) validate() error {
	if strings.TrimSpace(f.Name) == "" {
		return fmt.Errorf("%w: the missing person's name is required", ErrInvalid)
	}
	for _, v := range []string{f.Name, f.DisappearedAt, f.Contact} {
		if len(v) > 500 {
			return fmt.Errorf("%w: a field is longer than 500 characters", ErrInvalid)
		}
	}
	if len(f.Notes) > 10000 {
		return fmt.Errorf("%w: notes longer than 10,000 characters", ErrInvalid)
	}
	if f.DisappearedOn != "" {
		if _, err := time.Parse("2006-01-02", f.DisappearedOn); err != nil {
			return fmt.Errorf("%w: date of disappearance %q: want YYYY-MM-DD", ErrInvalid, f.DisappearedOn)
		}
	}
	return nil
}

// fieldsOf are a case's fields.
func fieldsOf(c *Case) Fields {
	return Fields{Name: c.Name, DisappearedOn: c.DisappearedOn, DisappearedAt: c.DisappearedAt, Notes: c.Notes,
		Contact: c.Contact, Filter: c.Filter}
}

func (f Fields) apply(c *Case) {
	c.Name, c.DisappearedOn, c.DisappearedAt, c.Notes, c.Contact, c.Filter =
		strings.TrimSpace(f.Name), f.DisappearedOn, f.DisappearedAt, f.Notes, f.Contact, f.Filter
}

// diff says what changed from f to g, for the audit trail: each changed
// field as "old → new". Of the notes and the family's contact details it
// records only that they were set, changed or removed: the trail can never
// be erased and reaches reviewers in exports, so it must not become a copy
// of a family's address, not even as a digest (a phone number's hash is
// reversed by trying them all).
func (f Fields) diff(g Fields) map[string]string {
	d := map[string]string{}
	add := func(name, a, b string) {
		if a != b {
			d[name] = a + " → " + b
		}
	}
	add("name", f.Name, strings.TrimSpace(g.Name))
	add("disappeared_on", f.DisappearedOn, g.DisappearedOn)
	add("disappeared_at", f.DisappearedAt, g.DisappearedAt)
	if what := changed(f.Notes, g.Notes); what != "" {
		d["notes"] = what
	}
	if what := changed(f.Contact, g.Contact); what != "" {
		d["contact"] = what
	}
	fa, _ := json.Marshal(f.Filter)
	fb, _ := json.Marshal(g.Filter)
	add("filter", string(fa), string(fb))
	return d
}

// changed says how a private field changed: "set", "changed", "removed",
// or "" when it did not.
func changed(a, b string) string {
	switch {
	case a == b:
		return ""
	case a == "":
		return "set"
	case b == "":
		return "removed"
	}
	return "changed"
}

// Create opens a case owned by the caseworker a.
func (s *Service) Create(ctx context.Context, a Actor, f Fields) (Case, error) {
	if a.Role != auth.RoleCaseworker {
		return Case{}, fmt.Errorf("%w: only caseworkers open cases", ErrForbidden)
	}
	if err := f.validate(); err != nil {
		return Case{}, err
	}
	now := s.Now()
	c := Case{ID: newID(), Status: StatusOpen, Owner: a.Name, Created: now, Updated: now}
	f.apply(&c)
	if err := s.audit(ctx, a, "case_create", c.ID, "", Fields{}.diff(f)); err != nil {
		return Case{}, err
	}
	if err := s.st.create(ctx, c); err != nil {
		_ = s.audit(ctx, a, "change_failed", c.ID, "", map[string]string{"action": "case_create", "error": err.Error()})
		return Case{}, err
	}
	return c, nil
}

// Update changes a case's fields; the audit record holds what changed.
func (s *Service) Update(ctx context.Context, a Actor, id string, f Fields) (Case, error) {
	return s.change(ctx, a, id, work, "case_update", func(c *Case) (string, map[string]string, error) {
		if err := f.validate(); err != nil {
			return "", nil, err
		}
		d := fieldsOf(c).diff(f)
		f.apply(c)
		return "", d, nil
	})
}

// SetStatus opens or closes a case.
func (s *Service) SetStatus(ctx context.Context, a Actor, id string, st Status) (Case, error) {
	action := "case_status"
	if st == StatusOpen || st == StatusClosed {
		action = "case_" + string(st)
	}
	return s.change(ctx, a, id, work, action, func(c *Case) (string, map[string]string, error) {
		if st != StatusOpen && st != StatusClosed {
			return "", nil, fmt.Errorf("%w: status %q: want open or closed", ErrInvalid, st)
		}
		d := map[string]string{"status": string(c.Status) + " → " + string(st)}
		c.Status = st
		return "", d, nil
	})
}

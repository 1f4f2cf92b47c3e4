package web

import (
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/facetriage/facetriage/internal/api"
	"github.com/facetriage/facetriage/internal/cases"
	"github.com/facetriage/facetriage/internal/vector"
)

type caseRow struct {
	ID, Name, Owner        string
	Status                 cases.Status
	References, Candidates int
	Flagged                int
	Updated                time.Time
}

func (u *ui) casesPage(w http.ResponseWriter, r *http.Request) {
	cs, err := u.d.Cases.List(r.Context(), api.ActorOf(r))
	if err != nil {
		u.fail(w, r, err)
		return
	}
	rows := make([]caseRow, 0, len(cs))
	for _, c := range cs {
		rows = append(rows, caseRow{ID: c.ID, Name: c.Name, Owner: c.Owner, Status: c.Status,
			References: len(c.References), Candidates: len(c.Candidates), Flagged: c.Flagged(), Updated: c.Updated})
	}
	v := u.newView(w, r, "cases.title")
	v.Data = rows
	u.render(w, http.StatusOK, "cases", v)
}

// caseForm is the new-case form's values, kept to show again on an error.
type caseForm struct {
	Name, DisappearedOn, DisappearedAt, Notes, Contact string
	Source, Branch, From, To                           string
}

func (u *ui) newCasePage(w http.ResponseWriter, r *http.Request) {
	v := u.newView(w, r, "newcase.title")
	v.Data = caseForm{}
	u.render(w, http.StatusOK, "case_new", v)
}

func (u *ui) createCase(w http.ResponseWriter, r *http.Request) {
	f := caseForm{Name: r.PostFormValue("name"), DisappearedOn: r.PostFormValue("disappeared_on"),
		DisappearedAt: r.PostFormValue("disappeared_at"), Notes: r.PostFormValue("notes"), Contact: r.PostFormValue("contact"),
		Source: r.PostFormValue("source"), Branch: r.PostFormValue("branch"), From: r.PostFormValue("from"), To: r.PostFormValue("to")}
	fields, errKey := f.fields()
	if errKey == "" {
		c, err := u.d.Cases.Create(r.Context(), api.ActorOf(r), fields)
		if err == nil {
			back(w, r, "/cases/"+c.ID, "msg", "case_created")
			return
		}
		var status int
		if status, errKey = errorKey(err); status == http.StatusInternalServerError {
			u.fail(w, r, err)
			return
		}
	}
	v := u.newView(w, r, "newcase.title")
	v.Error, v.Data = v.T("err."+errKey), f
	u.render(w, http.StatusBadRequest, "case_new", v)
}

// fields checks the form; a non-empty key names what is wrong.
func (f caseForm) fields() (cases.Fields, string) {
	out := cases.Fields{Name: strings.TrimSpace(f.Name), DisappearedOn: f.DisappearedOn, DisappearedAt: f.DisappearedAt,
		Notes: f.Notes, Contact: f.Contact, Filter: vector.Filter{Sources: list(f.Source), Branches: list(f.Branch)}}
	if out.Name == "" {
		return out, "name_required"
	}
	for _, p := range []struct {
		v string
		t *time.Time
	}{{f.DisappearedOn, nil}, {f.From, &out.Filter.From}, {f.To, &out.Filter.To}} {
		if p.v == "" {
			continue
		}
		t, err := time.Parse("2006-01-02", p.v)
		if err != nil {
			return out, "bad_date"
		}
		if p.t != nil {
			*p.t = t
		}
	}
	return out, ""
}

// list splits a comma-separated field.
func list(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// casePath is a case page's path.
func casePath(id string) string { return "/cases/" + url.PathEscape(id) }

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

// caseForm is the case form's values, kept to show again on an error.
// Action and Back are set when it edits an existing case.
type caseForm struct {
	Name, DisappearedOn, DisappearedAt, Notes, Contact string
	Source, Branch, From, To                           string
	Action, Back                                       string
}

// formOf reads the case form of a request.
func formOf(r *http.Request) caseForm {
	return caseForm{Name: r.PostFormValue("name"), DisappearedOn: r.PostFormValue("disappeared_on"),
		DisappearedAt: r.PostFormValue("disappeared_at"), Notes: r.PostFormValue("notes"), Contact: r.PostFormValue("contact"),
		Source: r.PostFormValue("source"), Branch: r.PostFormValue("branch"), From: r.PostFormValue("from"), To: r.PostFormValue("to")}
}

// formFor is the form of an existing case.
func formFor(c cases.Case) caseForm {
	day := func(t time.Time) string {
		if t.IsZero() {
			return ""
		}
		return t.Format(time.DateOnly)
	}
	return caseForm{Name: c.Name, DisappearedOn: c.DisappearedOn, DisappearedAt: c.DisappearedAt, Notes: c.Notes,
		Contact: c.Contact, Source: strings.Join(c.Filter.Sources, ", "), Branch: strings.Join(c.Filter.Branches, ", "),
		From: day(c.Filter.From), To: day(c.Filter.To), Action: casePath(c.ID) + "/edit", Back: casePath(c.ID)}
}

func (u *ui) editCasePage(w http.ResponseWriter, r *http.Request) {
	c, err := u.d.Cases.Get(r.Context(), api.ActorOf(r), r.PathValue("id"))
	if err != nil {
		u.fail(w, r, err)
		return
	}
	if err := u.d.Cases.CheckWork(r.Context(), api.ActorOf(r), c.ID); err != nil {
		u.fail(w, r, err)
		return
	}
	v := u.newView(w, r, "editcase.title")
	v.Data = formFor(c)
	u.render(w, http.StatusOK, "case_new", v)
}

func (u *ui) editCase(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if err := u.d.Cases.CheckWork(r.Context(), api.ActorOf(r), id); err != nil {
		u.fail(w, r, err)
		return
	}
	f := formOf(r)
	f.Action, f.Back = casePath(id)+"/edit", casePath(id)
	fields, errKey := f.fields()
	if errKey == "" {
		_, err := u.d.Cases.Update(r.Context(), api.ActorOf(r), id, fields)
		if err == nil {
			back(w, r, casePath(id), "msg", "case_updated")
			return
		}
		var status int
		if status, errKey = errorKey(err); status == http.StatusInternalServerError || status == http.StatusNotFound {
			u.fail(w, r, err)
			return
		}
	}
	v := u.newView(w, r, "editcase.title")
	v.Error, v.Data = v.T("err."+errKey), f
	u.render(w, http.StatusBadRequest, "case_new", v)
}

// statusPost closes or reopens a case.
func (u *ui) statusPost(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	st := cases.Status(r.PostFormValue("status"))
	if _, err := u.d.Cases.SetStatus(r.Context(), api.ActorOf(r), id, st); err != nil {
		u.failBack(w, r, id, err)
		return
	}
	back(w, r, casePath(id), "msg", "case_"+string(st))
}

func (u *ui) newCasePage(w http.ResponseWriter, r *http.Request) {
	v := u.newView(w, r, "newcase.title")
	v.Data = caseForm{}
	u.render(w, http.StatusOK, "case_new", v)
}

func (u *ui) createCase(w http.ResponseWriter, r *http.Request) {
	f := formOf(r)
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

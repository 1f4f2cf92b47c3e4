package web_test

import (
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
)

// selected finds the option a <select id=...> starts on.
func selected(t *testing.T, body, id string) string {
	t.Helper()
	m := regexp.MustCompile(`(?s)<select id="` + id + `".*?</select>`).FindString(body)
	if m == "" {
		t.Fatalf("no select #%s", id)
	}
	s := regexp.MustCompile(`<option value="([^"]*)"[^>]* selected>`).FindStringSubmatch(m)
	if s == nil {
		return ""
	}
	return s[1]
}

// TestRoleSelectorsStartLeastPrivileged: the admin's add-account form and
// the caseworker's share form start on the reviewer, never the
// administrator; a form sent back after an error keeps the role chosen.
func TestRoleSelectorsStartLeastPrivileged(t *testing.T) {
	w := newWorld(t)
	p := pages{}
	a := w.login(t, "admin")
	if got := selected(t, p.get(t, a, "/admin"), "user-role"); got != "reviewer" {
		t.Errorf("the add-account form starts on %q, want reviewer", got)
	}
	if got := selected(t, p.get(t, w.login(t, "cw"), "/cases/"+w.caseID), "member-role"); got != "reviewer" {
		t.Errorf("the share form starts on %q, want reviewer", got)
	}
	req, _ := http.NewRequest("POST", w.srv.URL+"/admin/users", strings.NewReader(url.Values{"name": {"new.admin"}, "role": {"caseworker"}, "password": {"short"}, "csrf": {a.csrf}}.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp := a.do(req)
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if got := selected(t, string(b), "user-role"); resp.StatusCode != http.StatusBadRequest || got != "caseworker" {
		t.Errorf("after a weak password: %d, the form on %q, want 400 and caseworker kept", resp.StatusCode, got)
	}
}

// TestErrorPagesKeepTheNavigation: a page refused to a role, a case that is
// not there and an unknown path all answer with the navigation of whoever
// is logged in.
func TestErrorPagesKeepTheNavigation(t *testing.T) {
	w := newWorld(t)
	rv := w.login(t, "rv")
	for path, want := range map[string]int{"/cases/new": http.StatusForbidden, "/cases/no-such-case": http.StatusNotFound, "/no/such/page": http.StatusNotFound} {
		code, body := rv.get(path)
		if code != want || !strings.Contains(body, `<nav class="nav"`) || !strings.Contains(body, `href="/cases"`) || !strings.Contains(body, "/logout") {
			t.Errorf("GET %s as a reviewer: %d (want %d), navigation kept: %v", path, code, want, strings.Contains(body, `<nav class="nav"`))
		}
	}
}

// TestFullPhotoWarningSaysNothingOfBlurring: the full photo is not blurred,
// so its warning does not say images are; family viewing, which blurs,
// still does.
func TestFullPhotoWarningSaysNothingOfBlurring(t *testing.T) {
	w := newWorld(t)
	cw := w.login(t, "cw")
	c := w.caseOf(t)
	for _, lang := range []string{"en", "ar"} {
		_, body := cw.get("/cases/" + w.caseID + "/candidates/" + url.PathEscape(c.Candidates[0].Individual) + "/photo-page?lang=" + lang)
		if strings.Contains(body, "blurred until") || strings.Contains(body, "مموّهة إلى أن") || !strings.Contains(body, `id="confirm-photo"`) {
			t.Errorf("%s: the full-photo warning speaks of blurring, or has no confirmation", lang)
		}
	}
}

// TestDatesAreWholeAndLeftToRight: every date a page shows is a <time> laid
// out left to right, which the style sheet keeps on one line (an Arabic
// line breaks no date at its hyphens).
func TestDatesAreWholeAndLeftToRight(t *testing.T) {
	w := newWorld(t)
	p := pages{}
	for _, c := range []struct{ user, path string }{{"cw", "/cases?lang=ar"}, {"cw", "/cases/" + w.caseID + "?lang=ar"}, {"admin", "/admin?lang=ar"}} {
		body := p.get(t, w.login(t, c.user), c.path)
		if n := strings.Count(body, `<time dir="ltr">`); n == 0 {
			t.Errorf("%s: no date in a <time dir=ltr>", c.path)
		}
		if m := regexp.MustCompile(`<bdi>\d{4}-\d\d-\d\d`).FindString(body); m != "" {
			t.Errorf("%s: a date outside a <time>: %s", c.path, m)
		}
	}
	_, css := w.client(t).get("/static/style.css")
	if !regexp.MustCompile(`time \{[^}]*white-space: nowrap`).MatchString(css) {
		t.Error("the style sheet lets a date break")
	}
}

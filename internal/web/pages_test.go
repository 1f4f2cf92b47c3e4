package web_test

import (
	"bytes"
	"context"
	"mime/multipart"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/engine/facetest"
	"github.com/facetriage/facetriage/internal/ingest"
	"github.com/facetriage/facetriage/internal/pipelinetest"
	"github.com/facetriage/facetriage/internal/web"
)

// pages collects every page the tests render, for the CSP checks.
type pages map[string]string

func (p pages) get(t *testing.T, c *client, path string) string {
	t.Helper()
	code, body := c.get(path)
	if code != http.StatusOK {
		t.Fatalf("GET %s: %d\n%s", path, code, body)
	}
	p[path] = body
	return body
}

func TestLoginAndHome(t *testing.T) {
	w := newWorld(t)
	anon := w.client(t)
	if code, _ := anon.get("/cases"); code != http.StatusSeeOther {
		t.Errorf("anonymous /cases: %d, want a redirect to the login page", code)
	}
	_, body := anon.get("/login")
	m := csrfInput.FindStringSubmatch(body)
	resp := anon.post("/login", url.Values{"name": {"cw"}, "password": {"wrong password!"}, "csrf": {m[1]}})
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("wrong password: %d", resp.StatusCode)
	}
	resp = anon.post("/login", url.Values{"name": {"cw"}, "password": {password}, "csrf": {"forged"}})
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("login without the form's token: %d, want 400", resp.StatusCode)
	}
	for name, home := range map[string]string{"admin": "/admin", "cw": "/cases", "rv": "/cases"} {
		c := w.login(t, name)
		req, _ := http.NewRequest("GET", w.srv.URL+"/", nil)
		resp := c.do(req)
		resp.Body.Close()
		if resp.Header.Get("Location") != home {
			t.Errorf("%s's home: %q, want %q", name, resp.Header.Get("Location"), home)
		}
	}
	p := pages{web.LoginPath: body}
	_, p["/login?lang=ar"] = anon.get("/login?lang=ar")
	p.checkCSP(t)
	c := w.login(t, "cw")
	if code, body := c.get("/no/such/page"); code != http.StatusNotFound || !strings.Contains(body, "There is no such page.") {
		t.Errorf("an unknown path: %d", code)
	}
	if resp := c.post("/logout", url.Values{}); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
		t.Errorf("logout: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if code, _ := c.get("/cases"); code != http.StatusSeeOther {
		t.Errorf("after logout /cases: %d, want a redirect", code)
	}
}

func TestArabicPagesAreRightToLeft(t *testing.T) {
	w := newWorld(t)
	c := w.login(t, "cw")
	_, body := c.get("/cases?lang=ar")
	if !strings.Contains(body, `<html lang="ar" dir="rtl">`) {
		t.Fatalf("Arabic page without dir=rtl:\n%.400s", body)
	}
	if !strings.Contains(body, "الحالات") || !strings.Contains(body, `hreflang="en"`) {
		t.Error("the Arabic page is not translated, or has no switch to English")
	}
	_, body = c.get("/cases/" + w.caseID) // the cookie remembers
	if !strings.Contains(body, `dir="rtl"`) || !strings.Contains(body, "تطابق") && !strings.Contains(body, "تشابه") {
		t.Error("the language was not remembered, or match words are not translated")
	}
	_, body = c.get("/cases?lang=en")
	if !strings.Contains(body, `<html lang="en" dir="ltr">`) || !strings.Contains(body, `hreflang="ar"`) {
		t.Errorf("English page:\n%.400s", body)
	}
	anon := w.client(t)
	if _, body := anon.get("/login", "Accept-Language", "ar-SY,ar;q=0.9"); !strings.Contains(body, `dir="rtl"`) {
		t.Error("Accept-Language: ar did not choose Arabic")
	}
}

// formOpen finds the POST forms of a page.
var formOpen = regexp.MustCompile(`(?s)<form[^>]*method="post"[^>]*>(.*?)</form>`)

func TestEveryFormCarriesTheCSRFToken(t *testing.T) {
	w := newWorld(t)
	p := pages{}
	for _, c := range []struct {
		user  string
		paths []string
		min   int
	}{
		{"cw", []string{"/cases/new", "/cases/" + w.caseID}, 4}, // logout ×2, new case, reference, match
		{"rv", []string{"/cases/" + w.caseID}, 3},               // logout, match, a decision per candidate
		{"admin", []string{"/admin"}, 3},                        // logout, account, a form per user
		{"rv", []string{"/account"}, 2},                         // logout, token
	} {
		cl := w.login(t, c.user)
		n := 0
		for _, path := range c.paths {
			for _, f := range formOpen.FindAllStringSubmatch(p.get(t, cl, path), -1) {
				n++
				if !strings.Contains(f[1], `<input type="hidden" name="`+auth.CSRFField+`" value="`+cl.csrf+`">`) {
					t.Errorf("%s %s: a form without the session's CSRF token:\n%s", c.user, path, f[0])
				}
			}
		}
		if n < c.min {
			t.Errorf("%s: %d forms on %v, want at least %d", c.user, n, c.paths, c.min)
		}
	}
	// Without the token, the wrapper refuses.
	cl := w.login(t, "cw")
	resp := cl.post("/cases", url.Values{"name": {"X"}, "csrf": {"wrong"}})
	if resp.StatusCode != http.StatusForbidden {
		t.Errorf("POST /cases with a wrong token: %d", resp.StatusCode)
	}
}

func TestCaseworkThroughThePages(t *testing.T) {
	w := newWorld(t)
	p := pages{}
	cw := w.login(t, "cw")
	body := p.get(t, cw, "/cases")
	if !strings.Contains(body, "Omar &lt;b&gt;Haddad&lt;/b&gt;") {
		t.Error("the case name is not escaped in the list")
	}
	resp := cw.post("/cases", url.Values{"name": {"Rami"}, "disappeared_on": {"2013-02-30"}})
	if resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a bad date: %d, want the form again", resp.StatusCode)
	}
	resp = cw.post("/cases", url.Values{"name": {"Rami"}, "disappeared_on": {"2013-02-03"}, "source": {"caesar, other"}})
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/cases/") {
		t.Fatalf("new case: %d to %q", resp.StatusCode, loc)
	}
	newID := strings.TrimPrefix(strings.SplitN(loc, "?", 2)[0], "/cases/")

	// A photo of three people: the page to choose the face, then the face.
	resp = cw.upload(t, "/cases/"+newID+"/references", facetest.Photo(facetest.Spec{Person: 3, Variant: 4, Faces: 3}), "child")
	loc = resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(loc, "/faces/") {
		t.Fatalf("a photo with three faces: %d to %q, want the face-picking page", resp.StatusCode, loc)
	}
	body = p.get(t, cw, loc)
	for _, want := range []string{`<svg class="pick-photo" viewBox="0 0 32 32"`, `<image href="` + loc + `/photo"`, `<rect x="2" y="2" width="10" height="10"`, `>3</text>`, `name="face" value="2"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the face-picking page lacks %s:\n%s", want, body)
		}
	}
	if code, _ := cw.get(loc + "/photo"); code != http.StatusOK {
		t.Errorf("the pending photo: %d", code)
	}
	if code, _ := w.login(t, "cw").get(loc + "/photo"); code != http.StatusOK {
		t.Errorf("the pending photo, another session of its uploader: %d", code)
	}
	resp = cw.post(loc, url.Values{"face": {"1"}})
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(resp.Header.Get("Location"), "msg=reference_added") {
		t.Fatalf("choosing the face: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	c, _ := w.d.Cases.Get(context.Background(), owner, newID)
	if len(c.References) != 1 || c.References[0].Face != 1 || !c.References[0].Child {
		t.Fatalf("references %+v, want face 1 of the photo, a child", c.References)
	}
	if code, _ := cw.get(loc); code != http.StatusSeeOther {
		t.Error("the pending photo is still kept after the choice")
	}

	// Match, then the shortlist: blurred crops, a reveal link per candidate.
	if resp := cw.post("/cases/"+newID+"/match", url.Values{}); !strings.Contains(resp.Header.Get("Location"), "msg=matched") {
		t.Fatalf("match: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	// At first only the leads show: the weaker candidates are counted, and
	// shown on request.
	body = p.get(t, cw, "/cases/"+w.caseID)
	leads := individuals(body, "cand")
	if len(leads) != 1 || leads[0] != "caesar/215/4321" || !strings.Contains(body, `id="show-weaker"`) {
		t.Fatalf("shown at first %v, want only the numbered individual, and a link to the weaker ones", leads)
	}
	body = p.get(t, cw, "/cases/"+w.caseID+"?weaker=1")
	ranked := individuals(body, "cand")
	if len(ranked) < 3 || ranked[0] != "caesar/215/4321" {
		t.Fatalf("ranked %v, want the numbered individual first", ranked)
	}
	if strings.Contains(body, "reveal=1") {
		t.Error("a crop is revealed without being asked")
	}
	crop := `src="/api/v1/cases/` + w.caseID + `/candidates/caesar%2f215%2f4321/crop"`
	if !strings.Contains(strings.ToLower(body), strings.ToLower(crop)) {
		t.Errorf("no blurred crop with the escaped key (%s)", crop)
	}
	body = p.get(t, cw, "/cases/"+w.caseID+"?reveal="+url.QueryEscape("caesar/215/4321"))
	if n := strings.Count(body, "reveal=1"); n != 1 {
		t.Errorf("%d revealed crops, want exactly one", n)
	}
	if code, _ := cw.get("/api/v1/cases/" + w.caseID + "/candidates/" + url.PathEscape("caesar/215/4321") + "/crop?reveal=1"); code != 200 {
		t.Errorf("the revealed crop: %d", code)
	}
	body = p.get(t, cw, "/cases/"+w.caseID+"/candidates/"+url.PathEscape("caesar/215/4321")+"/photo-page")
	if strings.Contains(body, "/photo\"") || !strings.Contains(body, "confirm=1") {
		t.Error("the full photo page shows the photo before the confirmation")
	}
	body = p.get(t, cw, "/cases/"+w.caseID+"/candidates/"+url.PathEscape("caesar/215/4321")+"/photo-page?confirm=1")
	if !strings.Contains(strings.ToLower(body), "caesar%2f215%2f4321/photo\"") {
		t.Error("the confirmed full photo page has no photo")
	}
	p.checkCSP(t)
}

func (c *client) upload(t *testing.T, path string, photo []byte, checks ...string) *http.Response {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	mw.WriteField("csrf", c.csrf)
	for _, k := range checks {
		mw.WriteField(k, "1")
	}
	fw, _ := mw.CreateFormFile("photo", "family.png")
	fw.Write(photo)
	mw.Close()
	req, _ := http.NewRequest("POST", c.w.srv.URL+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	resp := c.do(req)
	resp.Body.Close()
	return resp
}

func TestDecisionsAndFamilyViewing(t *testing.T) {
	w := newWorld(t)
	p := pages{}
	rv := w.login(t, "rv")
	body := p.get(t, rv, "/cases/"+w.caseID+"?weaker=1")
	ranked := individuals(body, "cand")
	if len(ranked) < 3 {
		t.Fatalf("ranked %v", ranked)
	}
	if strings.Count(body, `value="identified" disabled`) != len(ranked) {
		t.Error("identified is offered for a candidate nobody marked possible")
	}
	decide := func(ind, verdict, reason string) *http.Response {
		return rv.post("/cases/"+w.caseID+"/candidates/"+url.PathEscape(ind)+"/decision", url.Values{"verdict": {verdict}, "reason": {reason}})
	}
	if resp := decide(ranked[0], "possible", " "); !strings.Contains(resp.Header.Get("Location"), "err=reason_required") {
		t.Errorf("a decision without a reason: %q", resp.Header.Get("Location"))
	}
	if resp := decide(ranked[0], "possible", "same scar <above> the eyebrow"); !strings.Contains(resp.Header.Get("Location"), "msg=decided_possible") {
		t.Fatalf("possible: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	decide(ranked[1], "excluded", "different ear shape")
	body = p.get(t, rv, "/cases/"+w.caseID+"?weaker=1&msg=decided_possible")
	if !strings.Contains(body, "Decision recorded: possible match.") || !strings.Contains(body, "same scar &lt;above&gt; the eyebrow") || !strings.Contains(body, "by rv") {
		t.Error("the decision, its reason and its author are not shown")
	}
	if got := individuals(body, "cand-excluded"); !slices.Equal(got, ranked[1:2]) {
		t.Errorf("excluded section %v, want %v", got, ranked[1:2])
	}
	if got := individuals(body, "cand"); slices.Contains(got, ranked[1]) {
		t.Error("the excluded candidate is still ranked")
	}
	if strings.Count(body, `value="identified" disabled`) != len(ranked)-1 {
		t.Error("identified is offered to the reviewer who marked the candidate possible")
	}
	if body2 := p.get(t, w.login(t, "rv2"), "/cases/"+w.caseID+"?weaker=1"); strings.Count(body2, `value="identified" disabled`) != len(ranked)-2 {
		t.Error("identified is not offered to a second reviewer for the possible candidate")
	}

	if strings.Contains(body, `enctype="multipart/form-data"`) || strings.Contains(body, "/family\"") {
		t.Error("a reviewer is offered to add photos or family viewing")
	}
	cw := w.login(t, "cw")
	if strings.Contains(p.get(t, cw, "/cases/"+w.caseID), `name="verdict"`) {
		t.Error("a caseworker is offered decisions")
	}
	body = p.get(t, cw, "/cases/"+w.caseID+"/family")
	if !strings.Contains(body, "died in detention") || strings.Contains(body, "/crop") {
		t.Error("family viewing does not start with the content warning alone")
	}
	body = p.get(t, cw, "/cases/"+w.caseID+"/family?agree=1")
	if got := individuals(body, "card family-cand"); !slices.Equal(got, ranked[:1]) {
		t.Errorf("family viewing shows %v, want only the possible match %v", got, ranked[:1])
	}
	if strings.Contains(body, "reveal=1") || strings.Contains(body, w.archive) || strings.Contains(body, ".png") {
		t.Error("family viewing reveals a face unasked, or shows an archive path")
	}
	body = p.get(t, cw, "/cases/"+w.caseID+"/family?agree=1&grey=1&reveal="+url.QueryEscape(ranked[0]))
	if !strings.Contains(body, "reveal=1&amp;grey=1") && !strings.Contains(body, "grey=1&amp;reveal=1") {
		t.Error("the revealed family crop is not greyscale")
	}
	if code, _ := cw.get("/cases/" + w.caseID + "/candidates/" + url.PathEscape(ranked[1]) + "/photo-page?from=family"); code != http.StatusNotFound {
		t.Errorf("an excluded candidate's photo page from family viewing: %d", code)
	}
	if sh := w.shown(t); sh.RevealedCrops != 0 {
		t.Errorf("shown %+v: nothing was revealed (pages only link to images)", sh)
	}
	p.checkCSP(t)
}

func TestAdminPage(t *testing.T) {
	w := newWorld(t)
	p := pages{}
	a := w.login(t, "admin")
	body := p.get(t, a, "/admin")
	for _, want := range []string{">cw<", ">rv<", `action="/admin/users"`, `action="/admin/users/cw"`} {
		if !strings.Contains(body, want) {
			t.Errorf("the admin page lacks %s", want)
		}
	}
	if !strings.Contains(body, `href="/admin/audit"`) {
		t.Error("the admin page has no way to check the audit trail")
	}
	if audit := p.get(t, a, "/admin/audit"); !regexp.MustCompile(`id="audit-ok">The audit trail is intact: [1-9]\d* records verified`).MatchString(audit) {
		t.Errorf("the audit page does not say the trail verified:\n%s", audit)
	}
	if code, _ := w.login(t, "cw").get("/admin/audit"); code != http.StatusForbidden {
		t.Errorf("a caseworker checks the audit trail: %d, want 403", code)
	}
	if row := regexp.MustCompile(`(?s)<tr data-user="admin">.*?</tr>`).FindString(body); row == "" || strings.Contains(row, `value="disable"`) {
		t.Errorf("the admin's own row offers to disable them, or is missing: %s", row)
	}
	if resp := a.post("/admin/users", url.Values{"name": {"new.caseworker"}, "role": {"caseworker"}, "password": {"short"}}); resp.StatusCode != http.StatusBadRequest {
		t.Errorf("a weak password: %d", resp.StatusCode)
	}
	if resp := a.post("/admin/users", url.Values{"name": {"new.caseworker"}, "role": {"caseworker"}, "password": {password}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("add an account: %d", resp.StatusCode)
	}
	// A caseworker's token, made on their account page, shows on the
	// admin's list, and the admin revokes it.
	cw := w.login(t, "cw")
	secret := createToken(t, cw, p, "nightly ingest")
	ts, err := w.d.Auth.Tokens(context.Background())
	if err != nil || len(ts) != 1 || ts[0].Owner != "cw" || ts[0].Role != auth.RoleCaseworker {
		t.Fatalf("tokens %+v (%v), want cw's caseworker token", ts, err)
	}
	if _, body := a.get("/admin"); !strings.Contains(body, ts[0].ID) || strings.Contains(body, secret) {
		t.Error("the admin page does not list the token, or shows its secret")
	}
	if resp := a.post("/admin/tokens/"+ts[0].ID+"/revoke", url.Values{}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("the admin revokes a token: %d", resp.StatusCode)
	}
	if t2, _ := w.d.Auth.Token(context.Background(), ts[0].ID); !t2.Revoked || t2.RevokedBy != "admin" {
		t.Errorf("after the admin revoked it: %+v", t2)
	}
	// Disable and enable an account.
	if resp := a.post("/admin/users/rv", url.Values{"do": {"disable"}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("disable rv: %d", resp.StatusCode)
	}
	if u, _ := w.d.Auth.Account(context.Background(), "rv"); !u.Disabled {
		t.Error("rv is not disabled")
	}
	if resp := a.post("/admin/users/admin", url.Values{"do": {"disable"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("an admin disables themselves: %d", resp.StatusCode)
	}
	var audited bool
	w.d.Audit.Read(context.Background(), 1, func(e audit.Event) error {
		audited = audited || e.Action == "token_create" && e.Actor == "cw" && e.Detail["label"] == "nightly ingest"
		return nil
	})
	if !audited {
		t.Error("token creation is not audited")
	}
	if code, _ := a.get("/cases"); code != http.StatusForbidden {
		t.Errorf("an admin sees the cases: %d", code)
	}
	p.checkCSP(t)
}

// createToken makes a token on the account page and returns its secret,
// shown once.
func createToken(t *testing.T, c *client, p pages, label string) string {
	t.Helper()
	form := url.Values{"label": {label}, "days": {"30"}, "csrf": {c.csrf}}
	req, _ := http.NewRequest("POST", c.w.srv.URL+"/account/tokens", strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	resp := c.do(req)
	var b bytes.Buffer
	b.ReadFrom(resp.Body)
	resp.Body.Close()
	secret := regexp.MustCompile(`id="token-secret">(ft_[A-Za-z0-9_-]+)<`).FindStringSubmatch(b.String())
	if resp.StatusCode != 200 || secret == nil {
		t.Fatalf("create a token: %d, no secret shown", resp.StatusCode)
	}
	p["/account/tokens"] = b.String()
	if _, body := c.get("/account"); strings.Contains(body, secret[1]) {
		t.Error("the secret is shown again")
	}
	return secret[1]
}

var (
	inlineStyle  = regexp.MustCompile(`(?i)\sstyle\s*=|<style`)
	inlineScript = regexp.MustCompile(`(?i)<script(\s[^>]*)?>\s*[^<\s]`)
	inlineEvent  = regexp.MustCompile(`(?i)\son[a-z]+\s*=`)
)

// checkCSP: no page has inline style, inline script or event handlers,
// which the Content-Security-Policy would block.
func (p pages) checkCSP(t *testing.T) {
	t.Helper()
	for path, body := range p {
		for _, re := range []*regexp.Regexp{inlineStyle, inlineScript, inlineEvent} {
			if m := re.FindString(body); m != "" {
				t.Errorf("%s: %q breaks the Content-Security-Policy", path, m)
			}
		}
		if !strings.Contains(body, `<link rel="stylesheet" href="/static/style.css">`) {
			t.Errorf("%s: no style sheet", path)
		}
	}
}

// TestStandingSearchFlags: after a new ingest, the standing search flags
// new candidates, and the pages show it.
func TestStandingSearchFlags(t *testing.T) {
	w := newWorld(t)
	dir := t.TempDir()
	pipelinetest.Write(t, dir+"/late.png", facetest.Photo(facetest.Spec{Person: 7, Variant: 5}))
	w.rig.Ingest(t, ingest.Options{Paths: []string{dir}, Source: "later"})
	flagged, err := w.d.Cases.Rematch(context.Background())
	if err != nil || flagged[w.caseID] != 1 {
		t.Fatalf("rematch: %v, %v; want one new candidate", flagged, err)
	}
	p := pages{}
	rv := w.login(t, "rv")
	if body := p.get(t, rv, "/cases"); !strings.Contains(body, "1 new — flagged for review") {
		t.Error("the case list shows no flag")
	}
	body := p.get(t, rv, "/cases/"+w.caseID+"?lang=ar")
	if strings.Count(body, `class="cand flagged"`) != 1 || !strings.Contains(body, "بانتظار المراجعة") {
		t.Error("the flagged candidate is not marked")
	}
	p.checkCSP(t)
}

// A caseworker edits, closes and reopens a case and removes a reference
// photo from the pages; a reviewer of an identified candidate gets the
// export link.
func TestCaseActionsFromThePages(t *testing.T) {
	w := newWorld(t)
	p := pages{}
	cw := w.login(t, "cw")
	body := p.get(t, cw, "/cases/"+w.caseID+"/edit")
	if !strings.Contains(body, `action="/cases/`+w.caseID+`/edit"`) || !strings.Contains(body, "his sister, by phone") {
		t.Fatalf("the edit form does not hold the case's details")
	}
	resp := cw.post("/cases/"+w.caseID+"/edit", url.Values{"name": {"Omar Haddad"}, "contact": {"his brother"}, "disappeared_on": {"2013-02-03"}})
	if !strings.Contains(resp.Header.Get("Location"), "msg=case_updated") {
		t.Fatalf("edit: %d %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	if c := w.caseOf(t); c.Name != "Omar Haddad" || c.Contact != "his brother" || c.DisappearedOn != "2013-02-03" {
		t.Fatalf("after the edit: %+v", c)
	}
	if resp := cw.post("/cases/"+w.caseID+"/status", url.Values{"status": {"closed"}}); !strings.Contains(resp.Header.Get("Location"), "msg=case_closed") {
		t.Fatalf("close: %q", resp.Header.Get("Location"))
	}
	if body := p.get(t, cw, "/cases/"+w.caseID); !strings.Contains(body, `id="reopen-case"`) || strings.Contains(body, `id="add-reference"`) {
		t.Error("a closed case offers to add photos, or not to reopen")
	}
	cw.post("/cases/"+w.caseID+"/status", url.Values{"status": {"open"}})
	if c := w.caseOf(t); c.Status != "open" {
		t.Fatalf("after reopening: %s", c.Status)
	}
	ref := w.caseOf(t).References[0].ID
	if resp := cw.post("/cases/"+w.caseID+"/references/"+ref+"/remove", url.Values{"reason": {"a photo of his cousin"}}); !strings.Contains(resp.Header.Get("Location"), "msg=reference_removed") {
		t.Fatalf("remove a reference: %q", resp.Header.Get("Location"))
	}
	if c := w.caseOf(t); len(c.References) != 0 {
		t.Fatalf("references after the removal: %d", len(c.References))
	}
	p.checkCSP(t)
}

// Family viewing is a screen of its own: no navigation, no names or roles,
// one way out; no warning when there is nothing to show.
func TestFamilyViewingIsAScreenOfItsOwn(t *testing.T) {
	w := newWorld(t)
	p := pages{}
	cw := w.login(t, "cw")
	body := p.get(t, cw, "/cases/"+w.caseID+"/family")
	if strings.Contains(body, "died in detention") || !strings.Contains(body, `id="exit-family"`) {
		t.Error("with nothing to show, family viewing warns, or has no way out")
	}
	rv := w.login(t, "rv")
	ind := w.caseOf(t).Candidates[0].Individual
	rv.post("/cases/"+w.caseID+"/candidates/"+url.PathEscape(ind)+"/decision", url.Values{"verdict": {"possible"}, "reason": {"same"}})
	for _, path := range []string{"/cases/" + w.caseID + "/family", "/cases/" + w.caseID + "/family?agree=1",
		"/cases/" + w.caseID + "/candidates/" + url.PathEscape(ind) + "/photo-page?from=family"} {
		body := p.get(t, cw, path)
		for _, no := range []string{`href="/cases"`, `href="/account"`, `action="/logout"`, ">cw<", "Caseworker", `class="nav"`} {
			if strings.Contains(body, no) {
				t.Errorf("%s shows %q", path, no)
			}
		}
		if !strings.Contains(body, `id="exit-family" href="/cases/`+w.caseID+`"`) && !strings.Contains(body, `href="/cases/`+w.caseID+`" id="exit-family"`) {
			t.Errorf("%s has no way back to the case", path)
		}
	}
	if body := p.get(t, cw, "/cases/"+w.caseID+"/family"); !strings.Contains(body, "died in detention") {
		t.Error("with a candidate to show, family viewing does not start with the warning")
	}
	p.checkCSP(t)
}

package api_test

import (
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/casework"
	"github.com/facetriage/facetriage/internal/pipelinetest"
	"github.com/facetriage/facetriage/internal/web"
)

// With the second factor required for admins, an admin without one can
// only set it up; with it on, the login needs a code.
func TestAdminsMustUseASecondFactor(t *testing.T) {
	rig := pipelinetest.Start(t, nil)
	d := rig.Casework(t, func(p *casework.Parts) { p.Auth.TOTPRoles = []auth.Role{auth.RoleAdmin} })
	if err := d.Auth.AddUser(t.Context(), "root", auth.RoleAdmin, password); err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(d.Handler(web.LoginPath, d.Routes(), web.Routes(d)))
	t.Cleanup(srv.Close)

	var cookie *http.Cookie
	var csrf string
	call := func(method, path, body string) (int, string) {
		t.Helper()
		req, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		if cookie != nil {
			req.AddCookie(cookie)
			req.Header.Set(auth.CSRFHeader, csrf)
		}
		resp, err := (&http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}).Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if path == "/api/v1/login" && resp.StatusCode == 200 {
			cookie = resp.Cookies()[0]
			var info struct{ CSRF string }
			json.Unmarshal(b, &info)
			csrf = info.CSRF
		}
		return resp.StatusCode, string(b)
	}
	code, body := call("POST", "/api/v1/login", `{"name":"root","password":"`+password+`"}`)
	if code != 200 || !strings.Contains(body, `"must_enrol":true`) {
		t.Fatalf("login: %d %s", code, body)
	}
	if code, body := call("GET", "/api/v1/users", ""); code != http.StatusForbidden || !strings.Contains(body, "enrol_totp") {
		t.Fatalf("the users list before enrolling: %d %s", code, body)
	}
	if code, _ := call("GET", "/admin", ""); code != http.StatusSeeOther {
		t.Fatalf("the admin page before enrolling: %d, want a redirect to the account page", code)
	}
	if code, _ := call("GET", "/account", ""); code != http.StatusOK {
		t.Fatalf("the account page: %d", code)
	}
	code, body = call("POST", "/api/v1/account/totp", "")
	var e struct{ Secret string }
	if json.Unmarshal([]byte(body), &e); code != 200 || e.Secret == "" {
		t.Fatalf("begin: %d %s", code, body)
	}
	now := time.Now()
	c, _ := totp.GenerateCode(e.Secret, now)
	if code, body := call("POST", "/api/v1/account/totp/confirm", `{"code":"`+c+`"}`); code != 200 {
		t.Fatalf("confirm: %d %s", code, body)
	}
	if code, body := call("GET", "/api/v1/users", ""); code != 200 || !strings.Contains(body, `"totp":true`) {
		t.Fatalf("the users list after enrolling: %d %s", code, body)
	}
	cookie = nil
	if code, _ := call("POST", "/api/v1/login", `{"name":"root","password":"`+password+`"}`); code != http.StatusUnauthorized {
		t.Fatalf("a login without the code: %d", code)
	}
	next, _ := totp.GenerateCode(e.Secret, now.Add(30*time.Second))
	if code, body := call("POST", "/api/v1/login", `{"name":"root","password":"`+password+`","code":"`+next+`"}`); code != 200 || strings.Contains(body, "must_enrol") {
		t.Fatalf("a login with the code: %d %s", code, body)
	}
}

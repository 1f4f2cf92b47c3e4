package api_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"github.com/facetriage/facetriage/internal/api"
	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/web"
)

// countingBody is a request body of n bytes that counts what was read.
type countingBody struct {
	r    io.Reader
	read atomic.Int64
}

func (b *countingBody) Read(p []byte) (int, error) {
	n, err := b.r.Read(p)
	b.read.Add(int64(n))
	return n, err
}

// hugeMultipart is a multipart body whose "photo" part is size bytes.
func hugeMultipart(size int64) (io.Reader, string) {
	var head bytes.Buffer
	mw := multipart.NewWriter(&head)
	mw.CreateFormFile("photo", "huge.jpg")
	boundary := mw.Boundary()
	tail := "\r\n--" + boundary + "--\r\n"
	return io.MultiReader(&head, io.LimitReader(zeros{}, size), strings.NewReader(tail)), mw.FormDataContentType()
}

type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// A 300 MB multipart upload to the search and to a case's references is
// refused after at most the route's limit is read — with or without a
// declared length — and nothing of it reaches a temporary file.
func TestHugeUploadsAreRefusedAtTheLimit(t *testing.T) {
	w := newWorld(t)
	h := w.d.Handler(web.LoginPath, w.d.Routes(), web.Routes(w.d))
	const size = 300 << 20
	for _, path := range []string{"/api/v1/search", "/api/v1/cases/" + w.params["id"] + "/references", "/cases/" + w.params["id"] + "/references"} {
		for _, declared := range []bool{true, false} {
			body, ctype := hugeMultipart(size)
			cb := &countingBody{r: body}
			req := httptest.NewRequest("POST", path, cb)
			req.Header.Set("Content-Type", ctype)
			req.Header.Set("Authorization", "Bearer "+w.tokens[auth.RoleCaseworker])
			req.ContentLength = -1
			if declared {
				req.ContentLength = size + 300
			}
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, req)
			if rec.Code != http.StatusRequestEntityTooLarge {
				t.Errorf("%s (declared %v): %d %s, want 413", path, declared, rec.Code, rec.Body.String())
			}
			read := cb.read.Load()
			if declared && read != 0 || read > api.UploadBody+64<<10 {
				t.Errorf("%s (declared %v): %d bytes read before refusing, limit %d", path, declared, read, api.UploadBody)
			}
			t.Logf("%s (declared length %v): %d, %d MB read of %d", path, declared, rec.Code, read>>20, size>>20)
		}
	}
}

// The login API takes JSON only: a form another site posts (text/plain,
// urlencoded, multipart) sets no session.
func TestLoginRefusesCrossSiteForms(t *testing.T) {
	w := newWorld(t)
	body := `{"name":"caseworker-user","password":"` + password + `"}`
	for _, ct := range []string{"text/plain", "text/plain;charset=UTF-8", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", ""} {
		req, _ := http.NewRequest("POST", w.srv.URL+"/api/v1/login", strings.NewReader(body))
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnsupportedMediaType || len(resp.Cookies()) != 0 {
			t.Errorf("login as %q: %d with %d cookies, want 415 and none", ct, resp.StatusCode, len(resp.Cookies()))
		}
	}
	resp, err := http.Post(w.srv.URL+"/api/v1/login", "application/json; charset=utf-8", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK || len(resp.Cookies()) != 1 {
		t.Fatalf("a JSON login: %d", resp.StatusCode)
	}
}

// A locked account and an unknown name get the same answer, and the
// audit trail tells them apart.
func TestLockedAndUnknownAnswerAlike(t *testing.T) {
	w := newWorld(t)
	try := func(name string) (int, string) {
		resp, err := http.Post(w.srv.URL+"/api/v1/login", "application/json", strings.NewReader(`{"name":"`+name+`","password":"wrong password!"}`))
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		return resp.StatusCode, string(b)
	}
	for range auth.MaxFailedLogins {
		try("reviewer-user")
	}
	code1, body1 := try("reviewer-user")
	code2, body2 := try("no-such-user")
	if code1 != code2 || body1 != body2 {
		t.Fatalf("locked: %d %s\nunknown: %d %s", code1, body1, code2, body2)
	}
	var locked bool
	w.d.Audit.Read(context.Background(), 1, func(e audit.Event) error {
		locked = locked || e.Action == "login_failed" && e.Actor == "reviewer-user" && strings.Contains(e.Detail["error"], "locked")
		return nil
	})
	if !locked {
		t.Error("the audit trail does not say the account was locked")
	}
}

// Accounts and tokens are managed by a person: a token, even an admin's,
// cannot add accounts or mint tokens, and nobody mints a token of a role
// they do not hold.
func TestTokensCannotMintTokensOrAccounts(t *testing.T) {
	w := newWorld(t)
	post := func(path, body, bearer string) int {
		req, _ := http.NewRequest("POST", w.srv.URL+path, strings.NewReader(body))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Authorization", "Bearer "+bearer)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		return resp.StatusCode
	}
	if code := post("/api/v1/tokens", `{"label":"more"}`, w.tokens[auth.RoleAdmin]); code != http.StatusForbidden {
		t.Errorf("an admin token mints a token: %d", code)
	}
	if code := post("/api/v1/users", fmt.Sprintf(`{"name":"sleeper","role":"caseworker","password":%q}`, password), w.tokens[auth.RoleAdmin]); code != http.StatusForbidden {
		t.Errorf("an admin token adds an account: %d", code)
	}
	// An admin's session makes a token: it is an admin token, for them.
	sess := w.sessions[auth.RoleAdmin]
	req, _ := http.NewRequest("POST", w.srv.URL+"/api/v1/tokens", strings.NewReader(`{"label":"audit check","days":7}`))
	req.Header.Set("Content-Type", "application/json")
	req.AddCookie(&http.Cookie{Name: auth.CookieName, Value: sess.ID})
	req.Header.Set(auth.CSRFHeader, sess.CSRF)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated || !strings.Contains(string(b), `"role":"admin"`) || !strings.Contains(string(b), `"owner":"admin-user"`) {
		t.Fatalf("an admin's token: %d %s", resp.StatusCode, b)
	}
	// Disabling the admin kills their tokens.
	if err := w.d.Auth.SetDisabled(context.Background(), "admin-user", true); err != nil {
		t.Fatal(err)
	}
	req, _ = http.NewRequest("GET", w.srv.URL+"/api/v1/users", nil)
	req.Header.Set("Authorization", "Bearer "+w.tokens[auth.RoleAdmin])
	if resp, err = http.DefaultClient.Do(req); err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Fatalf("the token of a disabled admin: %d", resp.StatusCode)
	}
}

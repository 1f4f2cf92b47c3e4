package api_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"image"
	"image/jpeg"
	"io"
	"mime/multipart"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"github.com/facetriage/facetriage/internal/api"
	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/engine/facetest"
	"github.com/facetriage/facetriage/internal/face"
)

// call is one sample request of a session.
type call struct {
	route  string // "METHOD /path" as in the route table
	as     who
	path   string // the path with its parameters; route's path when ""
	query  string
	body   func() (io.Reader, string) // the body and its content type
	want   int
	broken bool // the request is wrong on purpose: it is not held to the document
	// then reads the answer (to learn an id for later calls).
	then func(t *testing.T, body []byte)
}

// exchange is a call and what the server answered.
type exchange struct {
	c      call
	req    *http.Request
	status int
	header http.Header
	body   []byte
}

func jsonBody(s string) func() (io.Reader, string) {
	return func() (io.Reader, string) { return strings.NewReader(s), "application/json" }
}

func rawBody(b []byte, ct string) func() (io.Reader, string) {
	return func() (io.Reader, string) { return bytes.NewReader(b), ct }
}

// formBody is a multipart form with a photo and other fields.
func formBody(photo []byte, fields ...string) func() (io.Reader, string) {
	return func() (io.Reader, string) {
		var b bytes.Buffer
		mw := multipart.NewWriter(&b)
		fw, _ := mw.CreateFormFile("photo", "photo.png")
		fw.Write(photo)
		for i := 0; i+1 < len(fields); i += 2 {
			mw.WriteField(fields[i], fields[i+1])
		}
		mw.Close()
		return &b, mw.FormDataContentType()
	}
}

// session runs a sample session over every operation of the API — a
// success of each and the errors a client meets — and returns what was
// asked and answered.
func session(t *testing.T, w *world) []exchange {
	t.Helper()
	ctx := context.Background()
	cw := who{name: "caseworker token", role: auth.RoleCaseworker, token: w.tokens[auth.RoleCaseworker]}
	rv := who{name: "reviewer token", role: auth.RoleReviewer, token: w.tokens[auth.RoleReviewer]}
	admin := who{name: "admin token", role: auth.RoleAdmin, token: w.tokens[auth.RoleAdmin]}
	ingestor := who{name: "ingest token", role: auth.RoleIngest, token: w.tokens[auth.RoleIngest]}
	rv2 := who{name: "second reviewer token", role: auth.RoleReviewer, token: w.outsiders[auth.RoleReviewer].token}
	login := func(name string) who {
		s, err := w.d.Auth.Login(ctx, name, password, "")
		if err != nil {
			t.Fatal(err)
		}
		return who{name: name + " session", session: &s}
	}
	if err := w.d.Auth.AddUser(ctx, "totp-user", auth.RoleCaseworker, password); err != nil {
		t.Fatal(err)
	}
	totpUser, adminSession, cwSession := login("totp-user"), login("admin-user"), login("caseworker-user")
	noCSRF := *cwSession.session
	noCSRF.CSRF = "wrong"
	var secret string
	p := w.params
	png := func(person uint8) []byte { return facetest.Photo(facetest.Spec{Person: person, Variant: 9}) }

	calls := []call{
		{route: "GET /healthz", want: 200},
		{route: "GET /readyz", want: 200},
		{route: "GET /metrics"},
		{route: "GET /api/openapi.json", want: 200},
		{route: "POST /api/v1/login", body: jsonBody(`{"name":"reviewer-user","password":"` + password + `"}`), want: 200},
		{route: "POST /api/v1/login", body: jsonBody(`{"name":"reviewer-user","password":"not the password"}`), want: 401},
		{route: "POST /api/v1/login", body: rawBody([]byte(`name=x`), "text/plain"), want: 415, broken: true},
		{route: "POST /api/v1/login", body: jsonBody(`{"name":`), want: 400, broken: true},
		{route: "GET /api/v1/me", as: cw, want: 200},
		{route: "GET /api/v1/me", want: 401, broken: true},
		{route: "POST /api/v1/account/totp", as: totpUser, body: jsonBody(`{}`), want: 200, then: func(t *testing.T, b []byte) {
			var s struct{ Secret string }
			json.Unmarshal(b, &s)
			secret = s.Secret
		}},
		{route: "POST /api/v1/account/totp", as: cw, want: 403, broken: true},
		{route: "POST /api/v1/account/totp/confirm", as: totpUser, body: jsonBody(`{"code":"000000"}`), want: 400},
		{route: "POST /api/v1/account/totp/confirm", as: totpUser, body: func() (io.Reader, string) {
			code, err := totp.GenerateCode(secret, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			return strings.NewReader(`{"code":"` + code + `"}`), "application/json"
		}, want: 200},

		{route: "POST /api/v1/search", as: cw, query: "top=5", body: rawBody(png(2), "image/png"), want: 200},
		{route: "POST /api/v1/search", as: rv, query: "top=3&source=x&from=2013-01-01", body: formBody(png(2)), want: 200},
		{route: "POST /api/v1/search", as: cw, query: "top=0", body: rawBody(png(2), "image/png"), want: 400, broken: true},
		{route: "POST /api/v1/search", as: cw, body: rawBody([]byte("this is not a photo"), "image/png"), want: 422},
		{route: "POST /api/v1/search", as: admin, body: rawBody(png(2), "image/png"), want: 403},

		{route: "GET /api/v1/cases", as: cw, want: 200},
		{route: "POST /api/v1/cases", as: cw, body: jsonBody(`{"name":"A second man","filter":{"sources":["caesar"]}}`), want: 201,
			then: func(t *testing.T, b []byte) {
				var c struct{ ID string }
				json.Unmarshal(b, &c)
				p["new"] = c.ID
			}},
		{route: "POST /api/v1/cases", as: cw, body: jsonBody(`{"notes":"no name"}`), want: 400},
		{route: "POST /api/v1/cases", as: cw, body: jsonBody(`{"name":"x","Sources":[]}`), want: 400, broken: true},
		{route: "POST /api/v1/cases", as: cwSession, body: jsonBody(`{"name":"x"}`), want: 201},
		{route: "POST /api/v1/cases", as: who{name: "no CSRF", session: &noCSRF}, body: jsonBody(`{"name":"x"}`), want: 403},
		{route: "POST /api/v1/cases", as: cw, body: rawBody(bytes.Repeat([]byte(" "), api.DefaultMaxBody+1), "application/json"), want: 413, broken: true},
		{route: "GET /api/v1/cases/{id}", as: rv, want: 200},
		{route: "GET /api/v1/cases/{id}", as: cw, path: "/api/v1/cases/CAAAAAAAAAAAA", want: 404},
		{route: "PUT /api/v1/cases/{id}", as: cw, path: "/api/v1/cases/{new}", body: jsonBody(`{"name":"A second man","notes":"a ring"}`), want: 200},
		{route: "POST /api/v1/cases/{id}/status", as: cw, path: "/api/v1/cases/{new}/status", body: jsonBody(`{"status":"lost"}`), want: 400, broken: true},
		{route: "POST /api/v1/cases/{id}/status", as: cw, path: "/api/v1/cases/{new}/status", body: jsonBody(`{"status":"closed"}`), want: 200},
		{route: "POST /api/v1/cases/{id}/references", as: cw, path: "/api/v1/cases/{new}/references", body: formBody(png(3)), want: 409},
		{route: "POST /api/v1/cases/{id}/status", as: cw, path: "/api/v1/cases/{new}/status", body: jsonBody(`{"status":"open"}`), want: 200},
		{route: "POST /api/v1/cases/{id}/members", as: cw, path: "/api/v1/cases/{new}/members", body: jsonBody(`{"name":"reviewer-user","role":"reviewer"}`), want: 200},
		{route: "POST /api/v1/cases/{id}/members", as: cw, path: "/api/v1/cases/{new}/members", body: jsonBody(`{"name":"nobody-here","role":"reviewer"}`), want: 422},
		{route: "DELETE /api/v1/cases/{id}/members/{name}", as: cw, path: "/api/v1/cases/{new}/members/reviewer-user", want: 200},
		{route: "POST /api/v1/cases/{id}/references", as: cw, path: "/api/v1/cases/{new}/references", body: formBody(facetest.Photo(facetest.Spec{Person: 3, Faces: 2})), want: 409},
		{route: "POST /api/v1/cases/{id}/references", as: cw, path: "/api/v1/cases/{new}/references", body: formBody([]byte("not a photo")), want: 422},
		{route: "POST /api/v1/cases/{id}/references", as: cw, path: "/api/v1/cases/{new}/references", body: formBody(png(3), "child", "1"), want: 200,
			then: func(t *testing.T, b []byte) {
				var c struct{ References []struct{ ID string } }
				json.Unmarshal(b, &c)
				if len(c.References) != 1 {
					t.Fatalf("the new reference: %s", b)
				}
				p["newref"] = c.References[0].ID
			}},
		{route: "GET /api/v1/cases/{id}/references/{ref}/photo", as: cw, path: "/api/v1/cases/{new}/references/{newref}/photo", want: 200},
		{route: "POST /api/v1/cases/{id}/references/{ref}/remove", as: cw, path: "/api/v1/cases/{new}/references/{newref}/remove", body: jsonBody(`{"reason":""}`), want: 400, broken: true},
		{route: "POST /api/v1/cases/{id}/references/{ref}/remove", as: cw, path: "/api/v1/cases/{new}/references/{newref}/remove", body: jsonBody(`{"reason":"the family gave the wrong photo"}`), want: 200},
		{route: "POST /api/v1/cases/{id}/owner", as: cw, path: "/api/v1/cases/{new}/owner", body: jsonBody(`{"to":"other-caseworker"}`), want: 200},

		{route: "POST /api/v1/cases/{id}/match", as: cw, body: jsonBody(`{}`), want: 200},
		{route: "POST /api/v1/cases/{id}/none-of-these", as: rv, body: jsonBody(`{"reason":"none has the scar"}`), want: 200},
		{route: "POST /api/v1/cases/{id}/members", as: cw, body: jsonBody(`{"name":"other-reviewer","role":"reviewer"}`), want: 200},
		{route: "GET /api/v1/cases/{id}/export", as: rv, want: 409},
		{route: "POST /api/v1/cases/{id}/candidates/{individual}/decision", as: rv, body: jsonBody(`{"verdict":"maybe","reason":"x"}`), want: 400, broken: true},
		{route: "POST /api/v1/cases/{id}/candidates/{individual}/decision", as: rv, path: "/api/v1/cases/{id}/candidates/nobody/decision", body: jsonBody(`{"verdict":"possible","reason":"x"}`), want: 404},
		{route: "POST /api/v1/cases/{id}/candidates/{individual}/decision", as: rv, body: jsonBody(`{"verdict":"identified","reason":"the scar"}`), want: 409},
		{route: "POST /api/v1/cases/{id}/candidates/{individual}/decision", as: rv, body: jsonBody(`{"verdict":"possible","reason":"the scar above the eyebrow"}`), want: 200},
		{route: "POST /api/v1/cases/{id}/candidates/{individual}/decision", as: rv, body: jsonBody(`{"verdict":"identified","reason":"the scar"}`), want: 409},
		{route: "POST /api/v1/cases/{id}/candidates/{individual}/decision", as: rv2, body: jsonBody(`{"verdict":"identified","reason":"the scar, and the ring"}`), want: 200},
		{route: "POST /api/v1/cases/{id}/candidates/{individual}/decision", as: cw, body: jsonBody(`{"verdict":"possible","reason":"x"}`), want: 403},
		{route: "GET /api/v1/cases/{id}/candidates/{individual}/crop", as: cw, want: 200},
		{route: "GET /api/v1/cases/{id}/candidates/{individual}/crop", as: rv, query: "reveal=1&grey=1", want: 200},
		{route: "GET /api/v1/cases/{id}/candidates/{individual}/crop", as: cw, path: "/api/v1/cases/{id}/candidates/nobody/crop", want: 404},
		{route: "GET /api/v1/cases/{id}/candidates/{individual}", as: rv, want: 200},
		{route: "GET /api/v1/cases/{id}/candidates/{individual}", as: cw, path: "/api/v1/cases/{id}/candidates/nobody", want: 404},
		{route: "GET /api/v1/cases/{id}/candidates/{individual}/photos/{sha}/faces/{face}/crop", as: rv, query: "grey=1", want: 200},
		{route: "GET /api/v1/cases/{id}/candidates/{individual}/photos/{sha}/faces/{face}/crop", as: rv, path: "/api/v1/cases/{id}/candidates/{individual}/photos/{sha}/faces/x/crop", want: 400, broken: true},
		{route: "GET /api/v1/cases/{id}/candidates/{individual}/photos/{sha}", as: rv, want: 200},
		{route: "GET /api/v1/cases/{id}/candidates/{individual}/photos/{sha}", as: rv, path: "/api/v1/cases/{id}/candidates/{individual}/photos/" + strings.Repeat("0", 64), want: 404},
		{route: "GET /api/v1/cases/{id}/candidates/{individual}/photo", as: rv, want: 200},
		{route: "GET /api/v1/cases/{id}/references/{ref}/photo", as: rv, want: 200},
		{route: "GET /api/v1/cases/{id}/shown", as: rv, want: 200},
		{route: "GET /api/v1/cases/{id}/family", as: cw, want: 200},
		{route: "GET /api/v1/cases/{id}/family", as: rv, want: 403},
		{route: "GET /api/v1/cases/{id}/export", as: rv, want: 200},
		{route: "GET /api/v1/cases/{id}", as: cw, want: 200},
		{route: "GET /api/v1/cases", as: rv, want: 200},

		{route: "POST /api/v1/ingest", as: ingestor, query: "source=sample", body: rawBody(zipOf(t, member{Name: "215_4321_2013-05-10.png", Data: png(5)}), "application/zip"), want: 201,
			then: func(t *testing.T, b []byte) {
				var j struct{ ID string }
				json.Unmarshal(b, &j)
				p["job"] = j.ID
			}},
		{route: "POST /api/v1/ingest", as: ingestor, body: rawBody([]byte("not an archive"), "text/plain"), want: 415, broken: true},
		{route: "POST /api/v1/ingest", as: cw, body: rawBody(zipOf(t, member{Name: "a.png", Data: png(5)}), "application/zip"), want: 403},
		{route: "GET /api/v1/ingest", as: ingestor, want: 200},
		{route: "GET /api/v1/ingest/{job}", as: ingestor, want: 200},
		{route: "GET /api/v1/ingest/{job}", as: admin, path: "/api/v1/ingest/nothing", want: 404},
		{route: "GET /api/v1/users", as: admin, want: 200},
		{route: "GET /api/v1/users", as: cw, want: 403},
		{route: "POST /api/v1/users", as: adminSession, body: jsonBody(`{"name":"new-reviewer","role":"reviewer","password":"` + password + `"}`), want: 201},
		{route: "POST /api/v1/users", as: adminSession, body: jsonBody(`{"name":"new-reviewer","role":"reviewer","password":"` + password + `"}`), want: 409},
		{route: "POST /api/v1/users", as: adminSession, body: jsonBody(`{"name":"weak","role":"reviewer","password":"short"}`), want: 400},
		{route: "POST /api/v1/users", as: admin, body: jsonBody(`{"name":"by-token","role":"reviewer","password":"` + password + `"}`), want: 403, broken: true},
		{route: "POST /api/v1/users/{name}/disabled", as: adminSession, path: "/api/v1/users/new-reviewer/disabled", body: jsonBody(`{"disabled":true}`), want: 200},
		{route: "POST /api/v1/users/{name}/disabled", as: adminSession, path: "/api/v1/users/nobody-here/disabled", body: jsonBody(`{"disabled":true}`), want: 404},
		{route: "POST /api/v1/users/{name}/unlock", as: adminSession, path: "/api/v1/users/new-reviewer/unlock", body: jsonBody(`{}`), want: 200},
		{route: "POST /api/v1/users/{name}/totp/reset", as: adminSession, path: "/api/v1/users/totp-user/totp/reset", body: jsonBody(`{}`), want: 200},
		{route: "GET /api/v1/tokens", as: cw, want: 200},
		{route: "GET /api/v1/tokens", as: admin, want: 200},
		{route: "POST /api/v1/tokens", as: cwSession, body: jsonBody(`{"label":"nightly import","days":30}`), want: 201},
		{route: "POST /api/v1/tokens", as: cwSession, body: jsonBody(`{"label":"","days":1000}`), want: 400, broken: true},
		{route: "DELETE /api/v1/tokens/{id}", as: adminSession, path: "/api/v1/tokens/{token}", want: 200},
		{route: "DELETE /api/v1/tokens/{id}", as: adminSession, path: "/api/v1/tokens/nosuchtoken", want: 404},
		{route: "GET /api/v1/audit/verify", as: admin, want: 200},
		{route: "POST /api/v1/logout", as: login("reviewer-user"), body: jsonBody(`{}`), want: 200},
	}

	client := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var out []exchange
	for _, c := range calls {
		method, tmpl, _ := strings.Cut(c.route, " ")
		path := c.path
		if path == "" {
			path = tmpl
		}
		if strings.HasPrefix(tmpl, "/api/v1/tokens/") {
			path = strings.ReplaceAll(path, "{id}", "{token}")
		}
		for k, v := range p {
			path = strings.ReplaceAll(path, "{"+k+"}", v)
		}
		url := w.srv.URL + path
		if c.query != "" {
			url += "?" + c.query
		}
		var body io.Reader
		ct := ""
		if c.body != nil {
			body, ct = c.body()
		}
		req, err := http.NewRequest(method, url, body)
		if err != nil {
			t.Fatal(err)
		}
		if ct != "" {
			req.Header.Set("Content-Type", ct)
		}
		if c.as.session != nil {
			req.AddCookie(&http.Cookie{Name: auth.CookieName, Value: c.as.session.ID})
			req.Header.Set(auth.CSRFHeader, c.as.session.CSRF)
		}
		if c.as.token != "" {
			req.Header.Set("Authorization", "Bearer "+c.as.token)
		}
		// The validator reads the request's body again.
		var sent []byte
		if body != nil {
			sent, _ = io.ReadAll(body)
			req.Body = io.NopCloser(bytes.NewReader(sent))
		}
		resp, err := client.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if c.want != 0 && resp.StatusCode != c.want {
			t.Errorf("%s %s as %s: %d, want %d: %.300s", method, path, c.as.name, resp.StatusCode, c.want, b)
		}
		if c.then != nil && resp.StatusCode < 300 {
			c.then(t, b)
		}
		req.Body = io.NopCloser(bytes.NewReader(sent))
		out = append(out, exchange{c: c, req: req, status: resp.StatusCode, header: resp.Header, body: b})
	}
	return out
}

// TestOpenAPIHoldsTheHandlers: in a sample session that calls every
// operation of the API, every answer's status is documented for its
// operation, its body fits the documented schema, and an error's kind is
// one documented for that status; every request made as a client should
// fits the document too; and every operation answered its documented
// success at least once.
func TestOpenAPIHoldsTheHandlers(t *testing.T) {
	w := newWorld(t)
	// The fake engine's crops are no images: blurring one gives a JPEG.
	w.d.Cases.Blur = func([]byte, bool, bool) ([]byte, error) {
		var b bytes.Buffer
		err := jpeg.Encode(&b, image.NewGray(image.Rect(0, 0, 8, 8)), nil)
		return b.Bytes(), err
	}
	resp, err := http.Get(w.srv.URL + "/api/openapi.json")
	if err != nil {
		t.Fatal(err)
	}
	doc, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	v := newValidator(t, doc)
	var tree map[string]any
	if err := json.Unmarshal(doc, &tree); err != nil {
		t.Fatal(err)
	}
	exchanges := session(t, w)

	succeeded := map[string]bool{}
	for _, x := range exchanges {
		name := fmt.Sprintf("%s → %d", x.c.route, x.status)
		method, path, _ := strings.Cut(x.c.route, " ")
		rt := routeOf(w.d.Routes(), method, path)
		if x.status == statusOf(rt) {
			succeeded[x.c.route] = true
		}
		if !x.c.broken {
			if ok, errs := v.ValidateHttpRequest(x.req); !ok {
				for _, e := range errs {
					t.Errorf("%s: the request does not fit the document: %s: %s", name, e.Message, e.Reason)
				}
			}
		}
		r := &http.Response{StatusCode: x.status, Header: x.header, Body: io.NopCloser(bytes.NewReader(x.body)), Request: x.req}
		if ok, errs := v.ValidateHttpResponse(x.req, r); !ok {
			for _, e := range errs {
				t.Errorf("%s: the answer does not fit the document: %s: %s: %.300s", name, e.Message, e.Reason, x.body)
			}
		}
		if x.status >= 400 && strings.HasPrefix(x.header.Get("Content-Type"), "application/json") {
			var e struct{ Kind string }
			json.Unmarshal(x.body, &e)
			op := mapOf(mapOf(tree["paths"])[path])[strings.ToLower(method)]
			ans := mapOf(mapOf(mapOf(op)["responses"])[strconv.Itoa(x.status)])
			examples := mapOf(mapOf(mapOf(ans["content"])["application/json"])["examples"])
			if examples[e.Kind] == nil {
				t.Errorf("%s: the kind %q is not documented for this status: %.300s", name, e.Kind, x.body)
			}
		}
	}
	for _, rt := range w.d.Routes() {
		if rt.Path == "/metrics" {
			continue // 200 or 404, by the process
		}
		if key := rt.Method + " " + rt.Path; !succeeded[key] {
			t.Errorf("no sample call of %s answered %d: add one to session() in openapi_session_test.go", key, statusOf(rt))
		}
	}

	t.Run("no descriptors", func(t *testing.T) { noDescriptors(t, exchanges) })
	t.Run("snake_case", func(t *testing.T) { snakeCase(t, exchanges) })
}

func routeOf(routes []api.Route, method, path string) api.Route {
	for _, rt := range routes {
		if rt.Method == method && rt.Path == path {
			return rt
		}
	}
	return api.Route{Method: method, Path: path, Doc: &api.Doc{}}
}

// noDescriptors: no answer of the session carries a face descriptor,
// neither as a field named so nor as an array of face.Dim numbers.
func noDescriptors(t *testing.T, xs []exchange) {
	sawReference := false
	for _, x := range xs {
		if !strings.HasPrefix(x.header.Get("Content-Type"), "application/json") || x.c.route == "GET /api/openapi.json" {
			continue
		}
		sawReference = sawReference || bytes.Contains(x.body, []byte(`"references":[{`))
		if bytes.Contains(x.body, []byte(`"descriptor`)) {
			t.Errorf("%s: the answer names a descriptor: %.300s", x.c.route, x.body)
		}
		var v any
		if err := json.Unmarshal(x.body, &v); err != nil {
			t.Errorf("%s: not JSON: %v", x.c.route, err)
			continue
		}
		walkJSON(v, "", func(path string, v any) {
			if a, ok := v.([]any); ok && len(a) >= face.Dim {
				if _, num := a[0].(float64); num {
					t.Errorf("%s: %s is an array of %d numbers: a descriptor?", x.c.route, path, len(a))
				}
			}
		})
	}
	if !sawReference {
		t.Fatal("no answer showed a case with a reference: the check saw nothing")
	}
}

var snakeName = regexp.MustCompile(`^[a-z][a-z0-9_]*$`)

// snakeCase: every field name of every JSON answer is snake_case.
func snakeCase(t *testing.T, xs []exchange) {
	for _, x := range xs {
		if !strings.HasPrefix(x.header.Get("Content-Type"), "application/json") || x.c.route == "GET /api/openapi.json" {
			continue
		}
		var v any
		json.Unmarshal(x.body, &v)
		walkJSON(v, "", func(path string, v any) {
			m, ok := v.(map[string]any)
			if !ok || strings.HasSuffix(path, ".detail") || strings.HasSuffix(path, ".tags") {
				return // maps of data: their keys are not field names
			}
			for k := range m {
				if !snakeName.MatchString(k) {
					t.Errorf("%s: %s.%s is not snake_case", x.c.route, path, k)
				}
			}
		})
	}
}

// walkJSON calls fn on every value of a decoded JSON document.
func walkJSON(v any, path string, fn func(path string, v any)) {
	fn(path, v)
	switch v := v.(type) {
	case map[string]any:
		for k, e := range v {
			walkJSON(e, path+"."+k, fn)
		}
	case []any:
		for i, e := range v {
			walkJSON(e, path+"["+strconv.Itoa(i)+"]", fn)
		}
	}
}

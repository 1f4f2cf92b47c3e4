package api_test

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"

	"github.com/pb33f/libopenapi"
	validator "github.com/pb33f/libopenapi-validator"
	verrors "github.com/pb33f/libopenapi-validator/errors"

	"github.com/facetriage/facetriage/internal/api"
	"github.com/facetriage/facetriage/internal/web"
)

// document is the OpenAPI document of the API's routes, as JSON and as a
// generic tree.
func document(t *testing.T) ([]byte, map[string]any) {
	t.Helper()
	spec, err := api.OpenAPI((&api.Deps{}).Routes())
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(spec)
	if err != nil {
		t.Fatal(err)
	}
	var tree map[string]any
	if err := json.Unmarshal(b, &tree); err != nil {
		t.Fatal(err)
	}
	return b, tree
}

// newValidator checks a document as OpenAPI and gives its validator.
func newValidator(t *testing.T, b []byte) validator.Validator {
	t.Helper()
	doc, err := libopenapi.NewDocument(b)
	if err != nil {
		t.Fatal(err)
	}
	v, errs := validator.NewValidator(doc)
	if len(errs) > 0 {
		t.Fatalf("the document cannot be validated: %v", errs)
	}
	if ok, verrs := v.ValidateDocument(); !ok {
		for _, e := range verrs {
			t.Errorf("not valid OpenAPI 3.1: %s: %s", e.Message, e.Reason)
		}
		t.FailNow()
	}
	return v
}

// TestOpenAPIValidates: the document is OpenAPI 3.1 by the specification's
// own JSON Schema, and lists every route of the API and no page.
func TestOpenAPIValidates(t *testing.T) {
	b, tree := document(t)
	if tree["openapi"] != "3.1.0" {
		t.Fatalf("openapi %v, want 3.1.0", tree["openapi"])
	}
	newValidator(t, b)
	paths := tree["paths"].(map[string]any)
	d := &api.Deps{}
	for _, rt := range d.Routes() {
		if op, _ := paths[rt.Path].(map[string]any)[strings.ToLower(rt.Method)].(map[string]any); op == nil {
			t.Errorf("%s %s is missing from the document", rt.Method, rt.Path)
		}
	}
	for _, rt := range web.Routes(d) {
		if paths[rt.Path] != nil {
			t.Errorf("the web UI's %s %s is in the document", rt.Method, rt.Path)
		}
	}
}

// TestOpenAPIComplete: every route of the API declares its types; every
// POST and PUT has a request schema; every operation documents its
// success, the guard's refusals and its errors, each with a schema; and a
// route added without a Doc is named, with what to add.
func TestOpenAPIComplete(t *testing.T) {
	_, tree := document(t)
	paths := tree["paths"].(map[string]any)
	for _, rt := range (&api.Deps{}).Routes() {
		if rt.Doc == nil {
			t.Errorf("%s %s has no Doc: give it one in routes.go (Params, Body or Form, Out or OutType, Errors)", rt.Method, rt.Path)
			continue
		}
		op, _ := paths[rt.Path].(map[string]any)[strings.ToLower(rt.Method)].(map[string]any)
		if op == nil {
			continue // TestOpenAPIValidates says so
		}
		name := rt.Method + " " + rt.Path
		if rt.Method == "POST" || rt.Method == "PUT" {
			body, _ := op["requestBody"].(map[string]any)
			content, _ := body["content"].(map[string]any)
			if len(content) == 0 {
				t.Errorf("%s: no request body documented: set Doc.Body (a struct with json tags), Doc.Form, or emptyRequest{}", name)
			}
			for ct, mt := range content {
				if mt.(map[string]any)["schema"] == nil {
					t.Errorf("%s: request %s has no schema", name, ct)
				}
			}
		}
		responses := op["responses"].(map[string]any)
		want := []string{strconv.Itoa(statusOf(rt))}
		if !rt.Public {
			want = append(want, "401", "403", "500", "503")
		}
		if rt.Doc.Body != nil || rt.Doc.Form != nil {
			want = append(want, "400")
		}
		if rt.Method != "GET" {
			want = append(want, "413")
		}
		for _, err := range rt.Doc.Errors {
			s, _ := api.Classify(err)
			want = append(want, strconv.Itoa(s))
		}
		for _, code := range want {
			if responses[code] == nil {
				t.Errorf("%s: status %s is not documented", name, code)
			}
		}
		for code, r := range responses {
			content, _ := r.(map[string]any)["content"].(map[string]any)
			if len(content) == 0 {
				t.Errorf("%s: the answer %s has no content", name, code)
			}
			for ct, mt := range content {
				if mt.(map[string]any)["schema"] == nil {
					t.Errorf("%s: the answer %s (%s) has no schema", name, code, ct)
				}
			}
		}
	}

	undocumented := api.Route{Method: "POST", Path: "/api/v1/ingest", Roles: api.Anyone, Kind: api.JSON}
	_, err := api.OpenAPI([]api.Route{undocumented})
	if err == nil || !strings.Contains(err.Error(), "POST /api/v1/ingest: no Doc") {
		t.Fatalf("a route without a Doc: %v", err)
	}
}

func statusOf(rt api.Route) int {
	if rt.Doc.Status != 0 {
		return rt.Doc.Status
	}
	return http.StatusOK
}

// TestOpenAPIExamples: every example in the document, of a success or of
// an error, validates against the schema it illustrates.
func TestOpenAPIExamples(t *testing.T) {
	b, tree := document(t)
	v := newValidator(t, b)
	n := 0
	for path, item := range tree["paths"].(map[string]any) {
		for method, op := range item.(map[string]any) {
			for code, r := range op.(map[string]any)["responses"].(map[string]any) {
				mt, _ := r.(map[string]any)["content"].(map[string]any)["application/json"].(map[string]any)
				var samples []any
				if ex, ok := mt["example"]; ok {
					samples = append(samples, ex)
				}
				for _, ex := range mapOf(mt["examples"]) {
					samples = append(samples, ex.(map[string]any)["value"])
				}
				for _, ex := range samples {
					n++
					body, _ := json.Marshal(ex)
					status, _ := strconv.Atoi(code)
					req, _ := http.NewRequest(strings.ToUpper(method), "http://localhost"+samplePath(path), nil)
					resp := &http.Response{StatusCode: status, Header: http.Header{"Content-Type": {"application/json"}},
						Body: io.NopCloser(bytes.NewReader(body)), Request: req}
					if ok, errs := v.ValidateHttpResponse(req, resp); !ok {
						for _, e := range errs {
							t.Errorf("%s %s %s: the example does not fit: %s: %s", method, path, code, e.Message, reasons(e))
						}
					}
				}
			}
		}
	}
	if n < 50 {
		t.Fatalf("only %d examples", n)
	}
}

func mapOf(v any) map[string]any {
	m, _ := v.(map[string]any)
	return m
}

// samplePath fills a path's parameters with values of their shape.
func samplePath(p string) string {
	return strings.NewReplacer("{id}", "CK7M2QXPA4NBR", "{ref}", strings.Repeat("ab", 32), "{individual}", "i1",
		"{name}", "reviewer-2").Replace(p)
}

// reasons says why a body does not fit its schema.
func reasons(e *verrors.ValidationError) string {
	out := []string{e.Reason}
	for _, s := range e.SchemaValidationErrors {
		out = append(out, s.FieldPath+": "+s.Reason)
	}
	return strings.Join(out, "; ")
}

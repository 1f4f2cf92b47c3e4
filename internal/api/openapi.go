package api

import (
	"cmp"
	"encoding/json"
	"fmt"
	"net/http"
	"reflect"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/swaggest/jsonschema-go"
	"github.com/swaggest/openapi-go"
	"github.com/swaggest/openapi-go/openapi31"

	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/cases"
	"github.com/facetriage/facetriage/internal/face"
	"github.com/facetriage/facetriage/internal/match"
)

// Doc describes a route for the OpenAPI document: the Go types it reads
// and answers, and the errors it can give. Every route of the API has one
// (TestOpenAPIComplete names a route without); pages have none.
type Doc struct {
	// Params is a struct of the route's path parameters (`path:"id"`) and
	// query parameters (`query:"top"`); every {name} of the path needs one.
	Params any
	// Body is the JSON request body: a struct with json tags. Form is a
	// multipart form (formData tags). RawBody is the content type of a
	// body taken as it is (a photo: "image/*"), besides the form.
	Body    any
	Form    any
	RawBody string
	// Status is the status of success (200 when 0). Out is its JSON body;
	// OutType the content type of a body that is not JSON ("image/*",
	// "application/zip", "text/plain").
	Status  int
	Out     any
	OutType string
	// Example is a sample of Out, shown in the document.
	Example any
	// Errors are the errors the route's services can answer with: Classify
	// gives each its status and kind. What the guard itself answers (401,
	// 403, 413, 400 for an unreadable body, 500, 503) is added from the
	// route's other fields.
	Errors []error
	// Text are other answers in plain text, by status (readyz's 503).
	Text map[int]string
}

// status is the status of success.
func (d *Doc) status() int {
	if d.Status == 0 {
		return http.StatusOK
	}
	return d.Status
}

// answer is one kind of error answer: its status, kind and message.
type answer struct {
	status    int
	kind, msg string
}

// answers are the error answers rt can give, by status: its own errors
// (Doc.Errors), and the guard's.
func answers(rt Route) map[int][]answer {
	errs := slices.Clone(rt.Doc.Errors)
	if rt.Method != http.MethodGet { // the guard bounds every body
		errs = append(errs, ErrTooLarge)
	}
	if rt.Doc.Body != nil || rt.Doc.Form != nil {
		errs = append(errs, ErrBadRequest)
	}
	if !rt.Public || len(rt.Doc.Errors) > 0 { // it reaches the store
		errs = append(errs, storeErrors...)
	}
	var out []answer
	if !rt.Public {
		out = append(out, guardAnswers...)
	}
	for _, err := range errs {
		status, kind, msg := describe(err)
		out = append(out, answer{status: status, kind: kind, msg: msg})
	}
	by := map[int][]answer{}
	for _, a := range out {
		if !slices.ContainsFunc(by[a.status], func(b answer) bool { return b.kind == a.kind }) {
			by[a.status] = append(by[a.status], a)
		}
	}
	return by
}

// guardAnswers are what the guard answers a request to a route that needs
// an identity before its handler runs.
var guardAnswers = []answer{
	{http.StatusUnauthorized, "unauthenticated", msgUnauthenticated},
	{http.StatusForbidden, "forbidden", "your role (admin) may not do this"},
	{http.StatusForbidden, "csrf", msgCSRF},
	{http.StatusForbidden, "enrol_totp", msgEnrol},
}

// OpenAPI builds the OpenAPI 3.1 document of routes, reflected from the
// Go types their Doc names; pages are left out, and a route without a Doc
// is an error that names it.
func OpenAPI(routes []Route) (*openapi31.Spec, error) {
	r := openapi31.NewReflector()
	r.Spec.Info.WithTitle("facetriage").WithVersion("1").WithDescription(
		"Face-similarity triage for archives of detainee photos. Every operation lists the roles it allows (x-roles). " +
			"A cookie session (POST /api/v1/login) must send its CSRF token in X-CSRF-Token on unsafe methods; batch jobs send an API token as Authorization: Bearer. " +
			"Every error answer is an Error: its kind says what happened, its error says it in words.")
	r.Spec.ComponentsEns().WithSecuritySchemes(map[string]openapi31.SecuritySchemeOrReference{
		"session": {SecurityScheme: &openapi31.SecurityScheme{APIKey: &openapi31.SecuritySchemeAPIKey{Name: auth.CookieName, In: openapi31.SecuritySchemeAPIKeyInCookie}}},
		"token":   {SecurityScheme: &openapi31.SecurityScheme{HTTPBearer: &openapi31.SecuritySchemeHTTPBearer{Scheme: "bearer"}}},
	})
	r.DefaultOptions = append(r.DefaultOptions, jsonschema.InterceptSchema(shapeSchema))
	r.InterceptDefName(defName)
	var errs []error
	for _, rt := range routes {
		if rt.Kind == Page {
			continue
		}
		if rt.Doc == nil {
			errs = append(errs, fmt.Errorf("%s %s: no Doc: give its route in routes.go a Doc naming its request (Params, Body or Form) and answer (Out or OutType) types and the errors its services return", rt.Method, rt.Path))
			continue
		}
		if err := addOperation(r, rt); err != nil {
			errs = append(errs, fmt.Errorf("%s %s: %w", rt.Method, rt.Path, err))
		}
	}
	if len(errs) > 0 {
		return nil, joinLines(errs)
	}
	return r.Spec, nil
}

func addOperation(r *openapi31.Reflector, rt Route) error {
	oc, err := r.NewOperationContext(rt.Method, rt.Path)
	if err != nil {
		return err
	}
	d := rt.Doc
	oc.SetSummary(rt.Summary)
	oc.SetID(operationID(rt))
	oc.SetTags(tagOf(rt.Path))
	if d.Params != nil {
		oc.AddReqStructure(d.Params)
	}
	switch {
	case d.Body != nil:
		oc.AddReqStructure(d.Body, openapi.WithContentType("application/json"))
	case d.Form != nil:
		oc.AddReqStructure(d.Form, openapi.WithContentType("multipart/form-data"))
	}
	if d.Out != nil {
		oc.AddRespStructure(d.Out, openapi.WithHTTPStatus(d.status()), withExample(d.Example))
	} else {
		oc.AddRespStructure(nil, openapi.WithHTTPStatus(d.status()), openapi.WithContentType(cmp.Or(d.OutType, "application/json")))
	}
	for status, text := range d.Text {
		oc.AddRespStructure(nil, openapi.WithHTTPStatus(status), openapi.WithContentType("text/plain"),
			func(cu *openapi.ContentUnit) { cu.Description = text })
	}
	by := answers(rt)
	statuses := make([]int, 0, len(by))
	for s := range by {
		statuses = append(statuses, s)
	}
	sort.Ints(statuses)
	for _, s := range statuses {
		oc.AddRespStructure(apiError{}, openapi.WithHTTPStatus(s), withErrorExamples(by[s]))
	}
	op := oc.(openapi31.OperationExposer).Operation()
	if !rt.Public {
		roles := make([]string, len(rt.Roles))
		for i, role := range rt.Roles {
			roles[i] = string(role)
		}
		op.WithMapOfAnythingItem("x-roles", roles)
		if rt.InPerson {
			op.Security = []map[string][]string{{"session": {}}}
		} else {
			op.Security = []map[string][]string{{"session": {}}, {"token": {}}}
		}
	}
	if err := r.AddOperation(oc); err != nil {
		return err
	}
	// Bodies the reflector does not make: a raw photo, and an explicitly
	// empty body.
	item := r.Spec.Paths.MapOfPathItemValues[rt.Path]
	o, _ := item.Operation(strings.ToLower(rt.Method))
	if d.RawBody != "" {
		o.RequestBodyEns().RequestBodyEns().WithContentItem(d.RawBody,
			openapi31.MediaType{Schema: map[string]any{"type": "string", "contentMediaType": d.RawBody}})
	}
	_, empty := d.Body.(emptyRequest)
	if empty {
		o.RequestBodyEns().RequestBodyEns().WithDescription("No body is read: send none, or {}.").
			WithContentItem("application/json", openapi31.MediaType{Schema: map[string]any{"type": "object", "maxProperties": 0}})
	}
	if o.RequestBody != nil && o.RequestBody.RequestBody != nil {
		o.RequestBody.RequestBody.WithRequired(!empty)
	}
	item.SetOperation(strings.ToLower(rt.Method), o)
	r.Spec.Paths.MapOfPathItemValues[rt.Path] = item
	return nil
}

// withExample adds a sample of a JSON answer.
func withExample(v any) openapi.ContentOption {
	return openapi.WithCustomize(func(cor openapi.ContentOrReference) {
		if v == nil {
			return
		}
		resp := cor.(*openapi31.ResponseOrReference).Response
		for ct, mt := range resp.Content {
			ex := v
			mt.Example = &ex
			resp.Content[ct] = mt
		}
	})
}

// withErrorExamples describes an error status: one example per kind.
func withErrorExamples(as []answer) openapi.ContentOption {
	return openapi.WithCustomize(func(cor openapi.ContentOrReference) {
		resp := cor.(*openapi31.ResponseOrReference).Response
		kinds := make([]string, len(as))
		for i, a := range as {
			kinds[i] = a.kind
		}
		resp.Description = http.StatusText(as[0].status) + ": " + strings.Join(kinds, ", ")
		for ct, mt := range resp.Content {
			for _, a := range as {
				var v any = apiError{Error: a.msg, Kind: a.kind}
				mt.WithExamplesItem(a.kind, openapi31.ExampleOrReference{Example: &openapi31.Example{Value: &v}})
			}
			resp.Content[ct] = mt
		}
	})
}

// shapeSchema gives the schema of types whose JSON is their own, and the
// values of the domain's enumerations.
func shapeSchema(p jsonschema.InterceptSchemaParams) (bool, error) {
	t := p.Value.Type()
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t == reflect.TypeFor[face.Box]() { // face.Box.MarshalJSON
		if !p.Processed {
			p.Schema.WithType(jsonschema.Array.Type()).
				WithItems(*(&jsonschema.Items{}).WithSchemaOrBool(jsonschema.Integer.ToSchemaOrBool())).
				WithMinItems(4).WithMaxItems(4).
				WithDescription("A box in the photo's upright pixels: [x0, y0, x1, y1].")
		}
		return true, nil
	}
	if !p.Processed {
		return false, nil
	}
	if vals, ok := enums[t]; ok && len(p.Schema.Enum) == 0 {
		p.Schema.WithEnum(vals...)
	}
	return false, nil
}

// enums are the values of the domain's enumerations.
var enums = map[reflect.Type][]any{
	reflect.TypeFor[cases.Status]():   {cases.StatusOpen, cases.StatusClosed},
	reflect.TypeFor[cases.Verdict]():  {cases.New, cases.Possible, cases.Excluded, cases.Identified},
	reflect.TypeFor[match.Strength](): {match.Strong, match.Possible, match.Weak, match.Unlikely},
	reflect.TypeFor[auth.Role]():      roleValues(),
}

func roleValues() []any {
	out := make([]any, len(auth.Roles))
	for i, r := range auth.Roles {
		out[i] = r
	}
	return out
}

// defName names a schema: the type's package and name, without "Api" for
// this package's own ("Error" for apiError).
func defName(t reflect.Type, name string) string {
	if t == reflect.TypeFor[apiError]() {
		return "Error"
	}
	if t.PkgPath() == reflect.TypeFor[apiError]().PkgPath() {
		return strings.Replace(name, "Api", "", 1)
	}
	return name
}

var pathParam = regexp.MustCompile(`\{([a-z]+)\}`)

func operationID(rt Route) string {
	s := strings.ToLower(rt.Method) + pathParam.ReplaceAllString(rt.Path, "By$1")
	return strings.NewReplacer("/", "_", ".", "_", "-", "_").Replace(s)
}

// tagOf groups operations by the path's first word after /api/v1.
func tagOf(path string) string {
	rest := strings.TrimPrefix(strings.TrimPrefix(path, "/api/v1/"), "/")
	if i := strings.IndexAny(rest, "/."); i >= 0 {
		rest = rest[:i]
	}
	return rest
}

func joinLines(errs []error) error {
	lines := make([]string, len(errs))
	for i, e := range errs {
		lines[i] = e.Error()
	}
	return fmt.Errorf("openapi: %d routes cannot be documented:\n%s", len(errs), strings.Join(lines, "\n"))
}

// openapiJSON is the document of the API's routes, built once. The web
// UI's routes (package web) are not the API's and are left out.
func (d *Deps) openapiJSON() ([]byte, error) {
	d.docOnce.Do(func() {
		spec, err := OpenAPI(d.Routes())
		if err != nil {
			d.docErr = err
			return
		}
		d.doc, d.docErr = json.Marshal(spec)
	})
	return d.doc, d.docErr
}

func (d *Deps) openapi(w http.ResponseWriter, r *http.Request) {
	b, err := d.openapiJSON()
	if err != nil {
		d.fail(w, err)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	_, _ = w.Write(b)
}

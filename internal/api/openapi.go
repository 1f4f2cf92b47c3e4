package api

import (
	"net/http"
	"regexp"
	"strings"
)

var pathParam = regexp.MustCompile(`\{([a-z]+)\}`)

// OpenAPI builds the OpenAPI 3 document of routes.
func OpenAPI(routes []Route) map[string]any {
	paths := map[string]map[string]any{}
	for _, rt := range routes {
		if rt.Kind == Page {
			continue
		}
		op := map[string]any{"summary": rt.Summary, "operationId": operationID(rt)}
		var params []map[string]any
		for _, m := range pathParam.FindAllStringSubmatch(rt.Path, -1) {
			params = append(params, map[string]any{"name": m[1], "in": "path", "required": true, "schema": map[string]string{"type": "string"}})
		}
		if params != nil {
			op["parameters"] = params
		}
		responses := map[string]any{"200": map[string]any{"description": "OK", "content": content(rt.Kind)}}
		if rt.Public {
			op["security"] = []any{}
		} else {
			roles := make([]string, len(rt.Roles))
			for i, r := range rt.Roles {
				roles[i] = string(r)
			}
			op["x-roles"] = roles
			responses["401"] = map[string]any{"description": "Not logged in"}
			responses["403"] = map[string]any{"description": "Role not allowed, or missing CSRF token (cookie sessions)"}
		}
		op["responses"] = responses
		if paths[rt.Path] == nil {
			paths[rt.Path] = map[string]any{}
		}
		paths[rt.Path][strings.ToLower(rt.Method)] = op
	}
	return map[string]any{
		"openapi": "3.0.3",
		"info": map[string]any{"title": "facetriage", "version": "1",
			"description": "Face-similarity triage for archives of detainee photos. Every route lists the roles it allows (x-roles). A cookie session must send its CSRF token in X-CSRF-Token on unsafe methods; batch jobs use Bearer tokens."},
		"components": map[string]any{"securitySchemes": map[string]any{
			"session": map[string]any{"type": "apiKey", "in": "cookie", "name": "ft_session"},
			"token":   map[string]any{"type": "http", "scheme": "bearer"},
		}},
		"security": []any{map[string]any{"session": []string{}}, map[string]any{"token": []string{}}},
		"paths":    paths,
	}
}

func content(k Kind) map[string]any {
	switch k {
	case Image:
		return map[string]any{"image/jpeg": map[string]any{}}
	case JSON:
		return map[string]any{"application/json": map[string]any{}}
	}
	return map[string]any{"*/*": map[string]any{}}
}

func operationID(rt Route) string {
	s := strings.ToLower(rt.Method) + pathParam.ReplaceAllString(rt.Path, "By$1")
	return strings.NewReplacer("/", "_", ".", "_", "-", "_").Replace(s)
}

func (d *Deps) openapi(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, OpenAPI(d.all))
}

package api_test

import (
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/casework"
	"github.com/facetriage/facetriage/internal/pipelinetest"
	"github.com/facetriage/facetriage/internal/web"
)

// Attack: with --require-admin-totp an admin without a second factor can
// only set one up: their session is held at enrolment. An API token the
// admin made before the requirement was turned on is not held: it still
// lists every account and every token and verifies the trail, as if the
// admin had a second factor. A token of a role that must use a second
// factor must not act while its owner has none.
func TestAttackAdminTokenWithoutSecondFactorIsHeld(t *testing.T) {
	rig := pipelinetest.Start(t, nil)
	d := rig.Casework(t, func(p *casework.Parts) { p.Auth.TOTPRoles = []auth.Role{auth.RoleAdmin} })
	if err := d.Auth.AddUser(t.Context(), "root", auth.RoleAdmin, password); err != nil {
		t.Fatal(err)
	}
	// Made before serve was restarted with the flag (the store's own
	// method: what the token route did then).
	secret, _, err := d.Auth.CreateToken(t.Context(), "root", "nightly audit check", 0)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(d.Handler(web.LoginPath, d.Routes(), web.Routes(d)))
	t.Cleanup(srv.Close)
	for _, path := range []string{"/api/v1/users", "/api/v1/tokens", "/api/v1/audit/verify"} {
		req, _ := http.NewRequest("GET", srv.URL+path, nil)
		req.Header.Set("Authorization", "Bearer "+secret)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == http.StatusOK {
			t.Errorf("%s with the token of an admin who has no second factor: 200 (%d bytes)", path, len(b))
		}
	}
}

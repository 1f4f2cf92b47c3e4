package auth

import (
	"fmt"
	"slices"
)

// Role is what a user or token may do; the HTTP layer maps roles to routes.
type Role string

// The roles.
const (
	RoleAdmin      Role = "admin"      // manages users and tokens
	RoleCaseworker Role = "caseworker" // works cases with families
	RoleReviewer   Role = "reviewer"   // reviews proposed matches
	// RoleIngest is for batch jobs: its tokens bring photos into the
	// archive over HTTP and read their ingest jobs, and see no case, no
	// image and no search.
	RoleIngest Role = "ingest"
)

// Roles are all roles.
var Roles = []Role{RoleAdmin, RoleCaseworker, RoleReviewer, RoleIngest}

// ParseRole returns the role named s (exactly, lower case).
func ParseRole(s string) (Role, error) {
	r := Role(s)
	if !r.Valid() {
		return "", fmt.Errorf("%w: %q", ErrBadRole, s)
	}
	return r, nil
}

// Valid says whether r is one of Roles.
func (r Role) Valid() bool { return slices.Contains(Roles, r) }

// Identity is who made a request, as Store.Identify found.
type Identity struct {
	// Name is the user name (for a token, its owner's).
	Name string
	Role Role
	// Via is ViaSession or ViaToken.
	Via string
	// Session is the browser session; nil for tokens.
	Session *Session
	// Token is the API token; nil for sessions.
	Token *Token
}

// Require returns ErrForbidden unless the identity has one of roles.
func (id Identity) Require(roles ...Role) error {
	if id.Role.Valid() && slices.Contains(roles, id.Role) {
		return nil
	}
	return fmt.Errorf("%w: %s %q is %q", ErrForbidden, id.Via, id.Name, id.Role)
}

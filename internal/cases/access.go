package cases

import (
	"fmt"

	"github.com/facetriage/facetriage/internal/auth"
)

// Actor is who acts on a case (auth.Actor).
type Actor = auth.Actor

// need is what an action asks of its actor.
type need int

// What actions need. A case is reached only by its members; among them,
// each action needs a role. Whoever is not a member is told the case does
// not exist (ErrNotFound), so that its existence is not disclosed either.
const (
	// read: see the case, its shortlist and its images (caseworkers and
	// reviewers of the case).
	read need = iota
	// work: change the case, add references, share it, family viewing
	// (the case's caseworkers).
	work
	// judge: decide on candidates and export evidence (the case's
	// reviewers).
	judge
)

func (n need) String() string {
	return [...]string{"read", "work", "judge"}[n]
}

// membership is the role under which name is a member of c: the owner is
// always a caseworker member.
func (c *Case) membership(name string) (auth.Role, bool) {
	if name != "" && name == c.Owner {
		return auth.RoleCaseworker, true
	}
	for _, m := range c.Members {
		if m.Name == name {
			return m.Role, true
		}
	}
	return "", false
}

// MemberList is every member, the owner first.
func (c *Case) MemberList() []Member {
	out := []Member{{Name: c.Owner, Role: auth.RoleCaseworker, Added: c.Created, AddedBy: c.Owner}}
	for _, m := range c.Members {
		if m.Name != c.Owner {
			out = append(out, m)
		}
	}
	return out
}

// allow checks that a may do what n needs on c. The actor's current role
// must be the one it was made a member with: a caseworker who became a
// reviewer does not keep a caseworker's access.
func allow(a Actor, c *Case, n need) error {
	if a.Via == auth.ViaSystem && a.Role == auth.RoleSystem {
		return nil
	}
	role, ok := c.membership(a.Name)
	if !ok || role != a.Role {
		return fmt.Errorf("%w: %s", ErrNotFound, c.ID)
	}
	switch {
	case n == read && (role == auth.RoleCaseworker || role == auth.RoleReviewer),
		n == work && role == auth.RoleCaseworker,
		n == judge && role == auth.RoleReviewer:
		return nil
	}
	return fmt.Errorf("%w: a %s of this case may not %s it", ErrForbidden, role, n)
}

// forRole is the case as a's role may see it: reviewers judge faces and
// do not see how to reach the family.
func forRole(c Case, a Actor) Case {
	if a.Role != auth.RoleCaseworker {
		c.Contact = ""
	}
	return c
}

package auth

import "github.com/facetriage/facetriage/internal/audit"

// Ways an actor reached facetriage (Actor.Via).
const (
	ViaSession = "session" // a browser session
	ViaToken   = "token"   // an API token, acting for its owner
	ViaCLI     = "cli"     // a command run on the server's machine
	ViaSystem  = "system"  // facetriage itself (the standing search)
)

// RoleSystem is the role of what facetriage does by itself. No account or
// token can hold it: ParseRole refuses it.
const RoleSystem Role = "system"

// Actor is who does something, as the application services see it: a
// person with a role, and how they came.
type Actor struct {
	// Name is the account name; for a token, its owner's.
	Name string
	Role Role
	// Via is ViaSession, ViaToken, ViaCLI or ViaSystem.
	Via string
	// Token is the API token's id when Via is ViaToken.
	Token string
}

// System is the actor of what facetriage does by itself.
var System = Actor{Name: "system", Role: RoleSystem, Via: ViaSystem}

// Operator is whoever runs an administrative command on the server's
// machine, with access to its data directory and so to everything: the
// audit trail names them by their system account.
func Operator(systemUser string) Actor {
	name := "cli"
	if systemUser != "" {
		name = "cli:" + systemUser
	}
	return Actor{Name: name, Role: RoleAdmin, Via: ViaCLI}
}

// AuditName is how the audit trail names the actor: "token:<id>" for a
// token (its owner goes into the record's detail), the name otherwise.
func (a Actor) AuditName() string {
	if a.Via == ViaToken && a.Token != "" {
		return "token:" + a.Token
	}
	return a.Name
}

// Is reports whether the actor has one of roles.
func (a Actor) Is(roles ...Role) bool {
	for _, r := range roles {
		if a.Role == r {
			return true
		}
	}
	return false
}

// Actor is the identity as an application-service actor.
func (id Identity) Actor() Actor {
	a := Actor{Name: id.Name, Role: id.Role, Via: id.Via}
	if id.Token != nil {
		a.Name, a.Token = id.Token.Owner, id.Token.ID
	}
	return a
}

// Event is an audit record of action by a: the trail names a token by its
// id, and the user it acts for in the record's detail.
func (a Actor) Event(action, caseID, object string, detail map[string]string) audit.Event {
	if a.Via == ViaToken {
		d := make(map[string]string, len(detail)+1)
		for k, v := range detail {
			d[k] = v
		}
		d["user"] = a.Name
		detail = d
	}
	return audit.Event{Actor: a.AuditName(), Role: string(a.Role), Action: action, Case: caseID, Object: object, Detail: detail}
}

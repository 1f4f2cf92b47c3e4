package bus

import (
	"fmt"
	"strconv"
	"strings"

	"github.com/nats-io/nats-server/v2/server"
)

// DeployRoles are the roles of deploy/nats.conf, each with its own NATS
// user; RoleOps has every permission and no variable.
var DeployRoles = []string{RoleAPI, RoleDecode, RoleFaces, RoleIndex}

// PermissionsVar is the nats.conf variable holding a role's permissions.
func PermissionsVar(role string) string { return strings.ToUpper(role) + "_PERMISSIONS" }

// NATSConfPermissions is deploy/nats-permissions.conf: one nats.conf
// variable per role of DeployRoles holding Permissions(role), so that the
// cluster's users have exactly the permissions the embedded server gives.
func NATSConfPermissions() string {
	var b strings.Builder
	b.WriteString("# The NATS permissions of each facetriage component, included by nats.conf.\n")
	b.WriteString("# Generated from internal/bus/permissions.go: do not edit; regenerate with\n")
	b.WriteString("#   go test ./deploy -run TestPermissionsFileIsCurrent -update\n")
	for _, role := range DeployRoles {
		p := Permissions(role)
		fmt.Fprintf(&b, "\n%s = {\n", PermissionsVar(role))
		writeSubjects(&b, "publish", p.Publish)
		writeSubjects(&b, "subscribe", p.Subscribe)
		b.WriteString("}\n")
	}
	return b.String()
}

func writeSubjects(b *strings.Builder, name string, sp *server.SubjectPermission) {
	if sp == nil {
		return
	}
	fmt.Fprintf(b, "  %s = {\n", name)
	for _, l := range []struct {
		name string
		subs []string
	}{{"allow", sp.Allow}, {"deny", sp.Deny}} {
		if len(l.subs) == 0 {
			continue
		}
		fmt.Fprintf(b, "    %s = [\n", l.name)
		for _, s := range l.subs {
			fmt.Fprintf(b, "      %s\n", strconv.Quote(s)) // quoted: "$JS..." is no variable
		}
		b.WriteString("    ]\n")
	}
	b.WriteString("  }\n")
}

package cli

import (
	"fmt"

	"github.com/facetriage/facetriage/internal/bus"
)

type deployKeysCmd struct {
	Out   string   `name:"out" required:"" type:"path" help:"Directory for the keys (made with mode 0700; existing files are never replaced)."`
	Nodes []string `name:"node" default:"nats-1,nats-2,nats-3" help:"Host names of the NATS nodes (for the cluster's routes)."`
}

// Run makes the NATS keys of a scale-out deployment (deploy/compose.yaml).
func (c *deployKeysCmd) Run(e *env) error {
	k, err := bus.WriteDeployKeys(c.Out, c.Nodes)
	if err != nil {
		return err
	}
	for _, role := range append(bus.DeployRoles[:len(bus.DeployRoles):len(bus.DeployRoles)], bus.RoleOps) {
		fmt.Fprintf(e.stdout, "%-7s %s  %s\n", role, k.Seeds[role], k.Env[bus.NKeyEnv(role)])
	}
	fmt.Fprintf(e.stdout, "nats.env: the NATS nodes' public keys, route password and store key (back the store key up)\n")
	return nil
}

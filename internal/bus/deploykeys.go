package bus

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"

	"github.com/nats-io/nkeys"
)

// DeployKeys are the secrets of a scale-out deployment (deploy/): an NKEY
// per component, and the cluster's route password and store key.
type DeployKeys struct {
	// Env is what the NATS nodes need (nats.env): the users' public keys
	// (FACETRIAGE_NKEY_<ROLE>), the route password and routes, the store key.
	Env map[string]string
	// Seeds are the files of each role's private seed, by role.
	Seeds map[string]string
}

// NKeyEnv is the variable of a role's public key in deploy/nats.conf.
func NKeyEnv(role string) string { return "FACETRIAGE_NKEY_" + strings.ToUpper(role) }

// WriteDeployKeys makes the keys of a deployment whose NATS nodes are
// reached at nodes (host names) and writes them to dir (mode 0700): ROLE.nk
// (each component's seed), nats.env (for the NATS nodes only), qdrant.env
// and qdrant-client.env (Qdrant's API key, for Qdrant and for its clients),
// every file of mode 0600. It never replaces a file.
func WriteDeployKeys(dir string, nodes []string) (DeployKeys, error) {
	k := DeployKeys{Env: map[string]string{}, Seeds: map[string]string{}}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return k, fmt.Errorf("bus: %w", err)
	}
	if err := CheckPrivate(dir); err != nil {
		return k, err
	}
	for _, role := range append(DeployRoles[:len(DeployRoles):len(DeployRoles)], RoleOps) {
		kp, err := nkeys.CreateUser()
		if err != nil {
			return k, fmt.Errorf("bus: %w", err)
		}
		seed, _ := kp.Seed()
		pub, _ := kp.PublicKey()
		path := filepath.Join(dir, role+".nk")
		if err := WriteSecretFile(path, append(seed, '\n')); err != nil {
			return k, err
		}
		k.Seeds[role], k.Env[NKeyEnv(role)] = path, pub
	}
	pass := confSecret()
	var routes []string
	for _, n := range nodes {
		routes = append(routes, strconv.Quote("nats-route://route:"+pass+"@"+n+":6222"))
	}
	k.Env["FACETRIAGE_ROUTE_PASSWORD"] = pass
	k.Env["FACETRIAGE_NATS_ROUTES"] = "[" + strings.Join(routes, ",") + "]"
	k.Env["FACETRIAGE_NATS_STORE_KEY"] = confSecret()
	var env strings.Builder
	env.WriteString("# Secrets of the NATS nodes (deploy/nats.conf): give this file to them only.\n")
	names := make([]string, 0, len(k.Env))
	for n := range k.Env {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		fmt.Fprintf(&env, "%s=%s\n", n, k.Env[n])
	}
	if err := WriteSecretFile(filepath.Join(dir, "nats.env"), []byte(env.String())); err != nil {
		return k, err
	}
	// Qdrant's API key: for Qdrant, and for the processes that use it.
	qk := RandomSecret()
	if err := WriteSecretFile(filepath.Join(dir, "qdrant.env"), []byte("QDRANT__SERVICE__API_KEY="+qk+"\n")); err != nil {
		return k, err
	}
	return k, WriteSecretFile(filepath.Join(dir, "qdrant-client.env"), []byte("FACETRIAGE_QDRANT_API_KEY="+qk+"\n"))
}

// confSecret is a RandomSecret that nats-server's configuration reads as a
// string wherever it is substituted: a value that began with a digit (one
// in six) would be parsed as a number, and refused.
func confSecret() string { return "s" + RandomSecret() }

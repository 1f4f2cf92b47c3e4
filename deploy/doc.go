// Package deploy holds the files of the scale-out deployment (compose.yaml,
// nats.conf, the generated nats-permissions.conf, the Dockerfile). It has no
// code: its tests load nats.conf into a real nats-server and check that each
// component's NATS user can do its work and nothing more.
package deploy

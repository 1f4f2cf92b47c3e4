// Package bus is facetriage's use of NATS JetStream: the embedded server of
// the default mode, the connection to it or to a cluster, and the streams,
// consumers, key-value buckets and object store that the pipeline and the
// catalogue use. The embedded and scale-out modes run the same client code;
// only the URL and the credentials differ.
//
// Security: the embedded server takes only two users (the application's and
// the administrator's) and encrypts its store; every facetriage process
// connects as one role (permissions.go: api, decode, faces, index, ops) whose
// NATS permissions are also those of deploy/nats.conf. snapshot.go takes and
// restores stream snapshots, for backups and for encrypting an old store.
package bus

// Package app wires facetriage together in its two modes, which run the same
// client code and differ only in what they connect to:
//
//   - embedded (the default): an in-process nats-server with JetStream
//     stored in the data directory, every worker in the process, and the
//     in-process vector index (memstore) in DATA/index;
//   - scale-out: a NATS JetStream cluster (--nats) and Qdrant (--qdrant),
//     with each stage in its own `facetriage worker` processes.
//
// In the embedded mode one process owns the data directory (a lock file);
// `serve` writes DATA/serve.json, and `ingest`, `search` and `status` either
// attach to the running serve or, when none runs, own the directory for
// their own run. DATA/secrets holds the embedded server's passwords and the
// store key (secrets.go); backup.go and restore.go write and read encrypted
// snapshots of a data directory.
//
// Storage faults end in a named cause and nothing lost: SyncIndex reads
// every face record at start, names the damaged ones and refills the index
// within a deadline; a damaged index journal is set aside and rebuilt;
// Storage watches whether the store can write (Ready, /readyz), and
// restarts the embedded JetStream in-process once a full disk has space
// again.
package app

// Package ingestjobs is ingest over HTTP as an application service: a
// batch job's upload (photos, or a zip or tar stream) is kept on disk, by
// its SHA-256, where its photos then lie; a job runs it through the
// pipeline with package ingest, and records what became of every entry.
//
// The service takes the actor: only the ingest role starts jobs, an
// ingest account reads its own jobs, an admin reads every job and the
// queues; every job is audited when it starts and when it ends. Jobs are
// kept in the key-value bucket ft_ingest_jobs, so they survive a restart:
// a job queued or running when the process stopped runs again (photos
// already through count as done before), and an upload cut off in the
// middle is recorded as such.
//
// Hostile uploads end in a recorded reason: a body over the route's limit,
// a disk that fills while the upload is written (the upload stops before
// the store's own space is reached), a zip or gzip stream that expands far
// beyond its size (a bomb), an unknown format. Inside an archive, paths
// with "..", names that are not UTF-8, links and nested archives are the
// walk's business (archive.Walk): members are never written by their names.
package ingestjobs

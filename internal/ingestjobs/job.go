package ingestjobs

import (
	"io"
	"time"

	"github.com/facetriage/facetriage/internal/ingest"
)

// States of a job.
const (
	StateReceiving = "receiving" // the upload is being written to disk
	StateQueued    = "queued"    // kept, waiting for the job before it
	StateRunning   = "running"
	StateDone      = "done"   // every entry is through or recorded (Counts say how)
	StateFailed    = "failed" // the job could not run: Error says why
)

// MaxFailures bounds the failures a job lists; MoreFailures counts the rest
// (every failure is also in the archive's failure records).
const MaxFailures = 1000

// Job is one ingest over HTTP.
type Job struct {
	ID     string `json:"id"`
	Source string `json:"source"`
	// Owner is the account that started it; By is the actor as the audit
	// trail names it (token:<id> for a token).
	Owner string `json:"owner"`
	By    string `json:"by"`
	State string `json:"state"`
	// Host is the machine that keeps the upload and runs the job: after a
	// restart, only its own jobs are taken up there.
	Host string `json:"host,omitempty"`
	// Upload is the kept upload's file name (its SHA-256 and format), in
	// the upload folder; UploadBytes its size.
	Upload       string    `json:"upload,omitempty"`
	UploadSHA256 string    `json:"upload_sha256,omitempty"`
	UploadBytes  int64     `json:"upload_bytes"`
	Created      time.Time `json:"created"`
	Started      time.Time `json:"started,omitzero"`
	Finished     time.Time `json:"finished,omitzero"`
	Counts       Counts    `json:"counts"`
	Failures     []Failure `json:"failures"`
	MoreFailures int       `json:"more_failures,omitempty"`
	// Error and ErrorKind say why a failed job could not run.
	Error     string `json:"error,omitempty"`
	ErrorKind string `json:"error_kind,omitempty"`
}

// Ended reports whether the job has ended (done or failed).
func (j Job) Ended() bool { return j.State == StateDone || j.State == StateFailed }

// AnyFailed reports whether an entry failed or could not be read.
func (j Job) AnyFailed() bool { return j.Counts.Failed+j.Counts.Unreadable > 0 }

// Counts are what became of a job's entries.
type Counts struct {
	Found      int `json:"found"`       // photos found, and entries recorded as not read
	Indexed    int `json:"indexed"`     // indexed by this job
	Faces      int `json:"faces"`       // faces indexed by this job
	DoneBefore int `json:"done_before"` // already in the archive (by SHA-256)
	NoFace     int `json:"no_face"`
	Failed     int `json:"failed"`     // a stage gave up
	Unreadable int `json:"unreadable"` // could not be read, too large, a damaged or nested archive
	Links      int `json:"links"`      // links and special files: recorded, not followed
	Other      int `json:"other"`      // files whose names are not photos': counted, not read
}

// Through is the number of entries that have left the pipeline.
func (c Counts) Through() int {
	return c.Indexed + c.DoneBefore + c.NoFace + c.Failed + c.Unreadable + c.Links
}

func countsOf(s ingest.Summary) Counts {
	return Counts{Found: s.Seen, Indexed: s.Indexed, Faces: s.Faces, DoneBefore: s.Skipped, NoFace: s.NoFace,
		Failed: s.Failed, Unreadable: s.Unreadable, Links: s.Links, Other: s.Other}
}

// Failure is an entry of a job that failed, could not be read, or showed
// no face.
type Failure struct {
	// Path is the entry's recorded path: the upload, "!", the member.
	Path   string `json:"path"`
	SHA256 string `json:"sha256,omitempty"`
	// Result is failed, unreadable, link or no_face (ingest.Result*).
	Result string `json:"result"`
	// Kind classes it (not_image, truncated, too_large, bad_archive, …).
	Kind   string `json:"kind,omitempty"`
	Reason string `json:"reason"`
}

// Upload is what a client sends: an archive stream, or photos one by one.
type Upload struct {
	// Source names the collection (e.g. caesar).
	Source string
	// Archive is a zip, tar or gzip-compressed tar stream; its format is
	// told by its first bytes. Nil for an upload of photos.
	Archive io.Reader
	// Photos, for an upload of separate photos, calls add for each photo
	// in turn (its name as the client gave it, any bytes) and returns
	// add's first error, or its own.
	Photos func(add func(name string, r io.Reader) error) error
}

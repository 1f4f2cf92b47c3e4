package api

import (
	"errors"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"net/http"
	"strings"

	"github.com/facetriage/facetriage/internal/ingestjobs"
)

// archiveTypes are the content types of an archive stream; the service
// tells zip, tar and tar.gz apart by their first bytes.
var archiveTypes = []string{"application/zip", "application/x-zip-compressed", "application/x-tar", "application/gzip",
	"application/x-gzip", "application/x-compressed-tar", "application/octet-stream"}

// startIngest takes a zip, tar or tar.gz stream as the body, or photos as
// multipart/form-data (every part with a file name is a photo), and the
// source name as the query parameter source or a form field before the
// photos. The body goes to disk as it arrives.
func (d *Deps) startIngest(w http.ResponseWriter, r *http.Request) {
	up := ingestjobs.Upload{Source: r.URL.Query().Get("source")}
	ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	switch {
	case ct == "multipart/form-data":
		mr, err := r.MultipartReader()
		if err != nil {
			d.fail(w, fmt.Errorf("%w: %v", ErrBadRequest, err))
			return
		}
		first, err := formFields(mr, &up)
		if err != nil {
			d.fail(w, err)
			return
		}
		up.Photos = func(add func(string, io.Reader) error) error { return eachPhoto(mr, first, add) }
	case containsType(archiveTypes, ct):
		up.Archive = r.Body
	default:
		d.fail(w, fmt.Errorf("%w: %q: send a zip, tar or tar.gz stream, or multipart/form-data", ErrMediaType, ct))
		return
	}
	job, err := d.IngestJobs.Start(r.Context(), ActorOf(r), up)
	if err != nil {
		d.failJob(w, job, err)
		return
	}
	w.Header().Set("Location", "/api/v1/ingest/"+job.ID)
	writeJSON(w, http.StatusCreated, job)
}

func containsType(types []string, ct string) bool {
	for _, t := range types {
		if t == ct {
			return true
		}
	}
	return false
}

// formFields reads the form fields before the first photo (source) and
// returns that photo's part, or nil.
func formFields(mr *multipart.Reader, up *ingestjobs.Upload) (*multipart.Part, error) {
	for {
		p, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, nil
		}
		if err != nil {
			return nil, partErr(err)
		}
		if partFileName(p) != "" {
			return p, nil
		}
		if p.FormName() == "source" {
			b, err := io.ReadAll(io.LimitReader(p, 1024))
			if err != nil {
				return nil, partErr(err)
			}
			up.Source = string(b)
		}
	}
}

// eachPhoto gives add every part with a file name, starting with first.
func eachPhoto(mr *multipart.Reader, first *multipart.Part, add func(string, io.Reader) error) error {
	p := first
	for p != nil {
		if name := partFileName(p); name != "" {
			if err := add(name, p); err != nil {
				return err
			}
		}
		next, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil
		}
		if err != nil {
			return partErr(err)
		}
		p = next
	}
	return nil
}

// partFileName is a part's file name as the client sent it, folders
// included (Part.FileName keeps only the last element): the decode stage
// reads detainee numbers and branches from names.
func partFileName(p *multipart.Part) string {
	_, params, err := mime.ParseMediaType(p.Header.Get("Content-Disposition"))
	if err == nil && params["filename"] != "" {
		return params["filename"]
	}
	return p.FileName()
}

// partErr classes an error reading a multipart body: over the limit, or
// malformed or cut off.
func partErr(err error) error {
	var tooBig *http.MaxBytesError
	if errors.As(err, &tooBig) {
		return fmt.Errorf("%w: more than %d bytes", ingestjobs.ErrTooLarge, tooBig.Limit)
	}
	return fmt.Errorf("%w: %w", ingestjobs.ErrInterrupted, err)
}

// failJob answers an error, with the job when one was recorded.
func (d *Deps) failJob(w http.ResponseWriter, job ingestjobs.Job, err error) {
	if job.ID == "" {
		d.fail(w, err)
		return
	}
	status, kind := Classify(err)
	if status == http.StatusInternalServerError {
		d.Log.Error("ingest failed", "kind", kind, "err", err)
	}
	msg, ok := messages[kind]
	if !ok {
		msg = err.Error()
	}
	writeJSON(w, status, map[string]any{"error": msg, "kind": kind, "job": job})
}

func (d *Deps) listIngest(w http.ResponseWriter, r *http.Request) {
	jobs, err := d.IngestJobs.Jobs(r.Context(), ActorOf(r), 0)
	if err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, ingestList{Jobs: jobs})
}

func (d *Deps) getIngest(w http.ResponseWriter, r *http.Request) {
	job, err := d.IngestJobs.Job(r.Context(), ActorOf(r), strings.TrimSpace(r.PathValue("job")))
	if err != nil {
		d.fail(w, err)
		return
	}
	writeJSON(w, http.StatusOK, job)
}

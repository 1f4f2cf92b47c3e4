package api

import (
	"mime/multipart"

	"github.com/facetriage/facetriage/internal/ingestjobs"
)

// The parameters, bodies and answers of a candidate's photos and of
// ingest jobs (see doc_types.go).
type (
	photoOfParams struct {
		candidateParams
		SHA string `path:"sha" description:"The SHA-256 of one of the candidate's photos." pattern:"^[0-9a-f]{64}$"`
	}
	faceCropParams struct {
		photoOfParams
		Face   int `path:"face" minimum:"0" description:"The face's index in the photo."`
		Reveal int `query:"reveal" minimum:"0" maximum:"1" description:"1 shows the face unblurred (counted and audited as revealed)."`
		Grey   int `query:"grey" minimum:"0" maximum:"1" description:"1 shows the face in greyscale."`
	}
	jobParams struct {
		Job string `path:"job" description:"An ingest job's id."`
	}
	ingestParams struct {
		Source string `query:"source" description:"The source (cache) the photos come from, e.g. caesar; or a form field before the photos."`
	}
	// ingestForm is the multipart form of an ingest: any number of photos.
	ingestForm struct {
		Source string                `formData:"source" description:"The source, when not in the query: before the photos."`
		Photo  *multipart.FileHeader `formData:"photo" description:"A photo; every part with a file name is one, its name (folders included) kept."`
	}
	// ingestList lists jobs, newest first.
	ingestList struct {
		Jobs []ingestjobs.Job `json:"jobs"`
	}
)

// ingestErrors are what starting an ingest can answer.
var ingestErrors = []error{ingestjobs.ErrDisabled, ingestjobs.ErrFormat, ingestjobs.ErrBomb, ingestjobs.ErrStorageFull,
	ingestjobs.ErrTooLarge, ingestjobs.ErrEmpty, ingestjobs.ErrInvalid, ingestjobs.ErrInterrupted, ErrMediaType}

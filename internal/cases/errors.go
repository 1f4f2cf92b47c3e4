package cases

import (
	"errors"
	"fmt"
)

// Sentinel errors, wrapped with detail.
var (
	ErrNotFound = errors.New("no such case")
	// ErrNoCandidate: the individual is not on the case's list.
	ErrNoCandidate = errors.New("no such candidate in this case")
	// ErrPickFace: the reference photo shows several faces; the caseworker
	// must choose one (the error lists them).
	ErrPickFace = errors.New("the photo shows several faces: choose the missing person's")
	// ErrNoFace: no face was found in the reference photo.
	ErrNoFace = errors.New("no face found in the reference photo")
	// ErrInvalid: a field is missing or malformed.
	ErrInvalid = errors.New("invalid case data")
	// ErrNotPossible: only a candidate marked possible can be identified.
	ErrNotPossible = errors.New("only a candidate a reviewer marked possible can be identified")
	// ErrClosed: the case is closed.
	ErrClosed = errors.New("the case is closed")
	// ErrNotIdentified: export needs an identified candidate.
	ErrNotIdentified = errors.New("no identified candidate to export")
	// ErrForbidden: the actor is a member of the case, but its role may
	// not do this (a non-member is told ErrNotFound).
	ErrForbidden = errors.New("your role in this case does not allow this")
	// ErrNoAccount: a case can only be shared with an active account of
	// the role named.
	ErrNoAccount = errors.New("no active account of that name and role")
	// ErrFourEyes: a second reviewer must make this decision.
	ErrFourEyes = errors.New("a second reviewer must make this decision")
	// ErrConflict: the case kept changing under this change; try again.
	ErrConflict = errors.New("the case was changed by someone else meanwhile: reload and try again")
)

// Refusals of a decision, each an ErrInvalid.
var (
	ErrNoVerdict = fmt.Errorf("%w: a decision is possible, excluded or identified", ErrInvalid)
	ErrNoReason  = fmt.Errorf("%w: a decision needs a reason", ErrInvalid)
)

// PickFaceError lists the faces to choose from, in the photo's upright
// pixels (Width × Height, after its EXIF orientation).
type PickFaceError struct {
	Faces         []FaceChoice
	Width, Height int
}

// FaceChoice is one face of a reference photo.
type FaceChoice struct {
	Index int    `json:"index"`
	Box   [4]int `json:"box"`
	Size  int    `json:"size"`
}

func (e *PickFaceError) Error() string { return ErrPickFace.Error() }
func (e *PickFaceError) Unwrap() error { return ErrPickFace }

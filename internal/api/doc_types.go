package api

import (
	"mime/multipart"

	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/cases"
)

// The request bodies the handlers decode, and the answers that are not a
// service's own type. The OpenAPI document is reflected from these types
// (openapi.go): json tags name the body's fields, path and query tags the
// parameters, formData tags a multipart form's fields; description,
// example, enum, minimum, maximum, pattern and format tags end up in the
// schema as they are.

// Path parameters.
type (
	caseParams struct {
		ID string `path:"id" description:"A case's id." pattern:"^C[A-Z2-7]{12}$" example:"CK7M2QXPA4NBR"`
	}
	candidateParams struct {
		caseParams
		Individual string `path:"individual" description:"An individual's key: a candidate of the case." example:"caesar/227/4321"`
	}
	referenceParams struct {
		caseParams
		Ref string `path:"ref" description:"A reference photo's SHA-256." pattern:"^[0-9a-f]{64}$"`
	}
	memberParams struct {
		caseParams
		Name string `path:"name" description:"A member's account name." example:"reviewer-2"`
	}
	userParams struct {
		Name string `path:"name" description:"An account name." example:"caseworker-1"`
	}
	tokenParams struct {
		ID string `path:"id" description:"A token's public id (the secret shows it after its prefix)."`
	}
)

// cropParams are a candidate's crop's parameters.
type cropParams struct {
	candidateParams
	Reveal int `query:"reveal" minimum:"0" maximum:"1" description:"1 shows the face unblurred (counted and audited as revealed)."`
	Grey   int `query:"grey" minimum:"0" maximum:"1" description:"1 shows the face in greyscale."`
}

// searchParams are a search's query parameters (parseSearch reads them).
type searchParams struct {
	Top    int      `query:"top" minimum:"1" maximum:"1000" default:"20" description:"How many individuals to rank."`
	Face   int      `query:"face" minimum:"0" description:"Which face of the photo to search for, by its index from left to right; the largest when absent."`
	Source []string `query:"source" description:"Only faces from these sources (repeat the parameter)."`
	Branch []string `query:"branch" description:"Only faces from these branches (repeat the parameter)."`
	From   string   `query:"from" format:"date" description:"Only photos dated on or after this day (YYYY-MM-DD)."`
	To     string   `query:"to" format:"date" description:"Only photos dated on or before this day (YYYY-MM-DD)."`
}

// photoForm is an uploaded photo as a multipart form (ReadUpload reads
// it).
type photoForm struct {
	Photo multipart.File `formData:"photo" required:"true" description:"The photo (JPEG, PNG, ...), at most 32 MB."`
}

// referenceForm is a reference photo as a multipart form (ReadUpload
// reads it).
type referenceForm struct {
	photoForm
	Face  int    `formData:"face" minimum:"0" description:"Which face of the photo is the person, by the index a 409 pick_face answer lists; needed when the photo shows several."`
	Child string `formData:"child" description:"Any value: the person was a child in the photo (dlib's model is less reliable for children)."`
	Old   string `formData:"old" description:"Any value: the photo is old (dlib's model is less reliable for old photos)."`
}

// Request bodies.
type (
	statusRequest struct {
		Status cases.Status `json:"status" required:"true"`
	}
	shareRequest struct {
		Name string    `json:"name" required:"true" example:"reviewer-2"`
		Role auth.Role `json:"role" required:"true" enum:"caseworker,reviewer"`
	}
	reassignRequest struct {
		To string `json:"to" required:"true" description:"The caseworker who takes the case over." example:"caseworker-2"`
		// Leave: the former owner stops being a member.
		Leave bool `json:"leave" description:"The former owner stops being a member of the case."`
	}
	reasonRequest struct {
		Reason string `json:"reason" required:"true" minLength:"1" example:"the family gave the wrong photo"`
	}
	decisionRequest struct {
		Verdict cases.Verdict `json:"verdict" required:"true" enum:"possible,excluded,identified"`
		Reason  string        `json:"reason" required:"true" minLength:"1" example:"the scar above the left eyebrow matches the family's description"`
	}
	addUserRequest struct {
		Name     string    `json:"name" required:"true" example:"reviewer-2"`
		Role     auth.Role `json:"role" required:"true"`
		Password string    `json:"password" required:"true" description:"The first password (at least 12 characters)."`
	}
	disabledRequest struct {
		Disabled bool `json:"disabled" description:"true disables the account (and revokes its tokens); false enables it."`
	}
	tokenRequest struct {
		Label string `json:"label" required:"true" example:"nightly import"`
		// Days is the token's lifetime (default 90).
		Days int `json:"days" minimum:"0" maximum:"366" description:"The token's lifetime in days (90 when 0 or absent)."`
	}
	codeRequest struct {
		Code string `json:"code" required:"true" pattern:"^[0-9]{6}$" description:"A one-time code from the authenticator app."`
	}
	// emptyRequest is the body of a POST that reads none.
	emptyRequest struct{}
)

// tokenNote goes with a new token's secret.
const tokenNote = "the secret is shown once"

// Answers.
type (
	loggedOut struct {
		Status string `json:"status" example:"logged out"`
	}
	totpSetup struct {
		Secret string `json:"secret" description:"The secret, for an authenticator app (base32)."`
		URL    string `json:"url" description:"The otpauth:// URL of the secret (for a QR code)."`
		Next   string `json:"next"`
	}
	totpState struct {
		Name string `json:"name,omitempty"`
		TOTP bool   `json:"totp" description:"Whether the account's second factor is on."`
	}
	disabledState struct {
		Name     string `json:"name"`
		Disabled bool   `json:"disabled"`
	}
	unlocked struct {
		Name     string `json:"name"`
		Unlocked bool   `json:"unlocked"`
	}
	newToken struct {
		Token  auth.Token `json:"token"`
		Secret string     `json:"secret" description:"The token's secret, for the Authorization header (Bearer): shown once."`
		Note   string     `json:"note"`
	}
	revokedToken struct {
		Revoked string `json:"revoked" description:"The revoked token's id."`
	}
)

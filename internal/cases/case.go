package cases

import (
	"encoding/json"
	"time"

	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/face"
	"github.com/facetriage/facetriage/internal/match"
	"github.com/facetriage/facetriage/internal/search"
	"github.com/facetriage/facetriage/internal/vector"
)

// Status of a case.
type Status string

// Case statuses.
const (
	StatusOpen   Status = "open"
	StatusClosed Status = "closed"
)

// Verdict is a reviewer's word on a candidate.
type Verdict string

// Verdicts. New is a candidate nobody has decided on.
const (
	New        Verdict = "new"
	Possible   Verdict = "possible"
	Excluded   Verdict = "excluded"
	Identified Verdict = "identified"
)

// Reference is a photo of the missing person the family gave.
type Reference struct {
	// ID is the photo's SHA-256.
	ID string `json:"id"`
	// Faces are the faces found in it; Face is the one that is the person.
	Faces []face.Box `json:"faces"`
	Face  int        `json:"face"`
	// Descriptor is the face's descriptor: a biometric template, which
	// stays in storage (the store keeps it beside the case, see record):
	// no answer, page or export carries it.
	Descriptor face.Descriptor `json:"-"`
	// Child and Old are the caseworker's warnings: dlib's model is known to
	// work less well on children and on old photos.
	Child   bool      `json:"child,omitempty"`
	Old     bool      `json:"old,omitempty"`
	Added   time.Time `json:"added"`
	AddedBy string    `json:"added_by"`
}

// Decision is one reviewer decision, kept for ever.
type Decision struct {
	Verdict Verdict   `json:"verdict"`
	Reason  string    `json:"reason"`
	By      string    `json:"by"`
	Role    string    `json:"role"`
	At      time.Time `json:"at"`
	// Proposal: a change of an identification, awaiting a second
	// reviewer; Confirms names the reviewer whose proposal this confirms.
	Proposal bool   `json:"proposal,omitempty"`
	Confirms string `json:"confirms,omitempty"`
}

// Candidate is an individual on a case's shortlist.
type Candidate struct {
	Individual string  `json:"individual"`
	Distance   float64 `json:"distance"`
	// Score is what the strength was read from: the normalised score when
	// Normalised (search.Candidate), otherwise the distance.
	Score      float64        `json:"score"`
	Normalised bool           `json:"normalised,omitempty"`
	Strength   match.Strength `json:"strength"`
	// FPIR is the share of searches of the archive, at its size when it
	// was matched, without the person, that show a face this close.
	FPIR float64 `json:"fpir"`
	// The nearest face: its photo, face index and box.
	Photo  string   `json:"photo"`
	Face   int      `json:"face"`
	Box    face.Box `json:"box"`
	Photos int      `json:"photos"`
	Number string   `json:"number,omitempty"`
	Source string   `json:"source,omitempty"`
	Branch string   `json:"branch,omitempty"`
	// Verdict is the latest decision (New when none).
	Verdict   Verdict    `json:"verdict"`
	Decisions []Decision `json:"decisions,omitempty"`
	// Proposal is a change of an identification awaiting a second
	// reviewer.
	Proposal *Decision `json:"proposal,omitempty"`
	// Flagged marks a candidate a standing search found, awaiting review.
	Flagged   bool      `json:"flagged,omitempty"`
	FirstSeen time.Time `json:"first_seen"`
	// Listed is false for a decided candidate that no longer ranks.
	Listed bool `json:"listed"`
}

// UnmarshalJSON reads a candidate; one stored before candidates had a
// score reads its distance as its score.
func (c *Candidate) UnmarshalJSON(b []byte) error {
	type plain Candidate
	var p struct {
		plain
		Score *float64 `json:"score"`
	}
	if err := json.Unmarshal(b, &p); err != nil {
		return err
	}
	*c = Candidate(p.plain)
	c.Score = c.Distance
	if p.Score != nil {
		c.Score = *p.Score
	}
	return nil
}

// Shown counts the distinct images one person was shown in a case: a crop
// seen on ten page loads counts once.
type Shown struct {
	BlurredCrops  int `json:"blurred_crops"`
	RevealedCrops int `json:"revealed_crops"`
	FullPhotos    int `json:"full_photos"`
	References    int `json:"references"`
}

// Member is a person a case is shared with: a caseworker who works it or
// a reviewer assigned to judge its candidates.
type Member struct {
	Name    string    `json:"name"`
	Role    auth.Role `json:"role"`
	Added   time.Time `json:"added"`
	AddedBy string    `json:"added_by"`
}

// Case is one missing person's case.
type Case struct {
	ID     string `json:"id"`
	Name   string `json:"name"`
	Status Status `json:"status"`
	// When and where the person disappeared, as the family tells it.
	DisappearedOn string `json:"disappeared_on,omitempty"`
	DisappearedAt string `json:"disappeared_at,omitempty"`
	// Notes describe the person (marks, clothes): reviewers see them.
	Notes string `json:"notes,omitempty"`
	// Contact is as little family data as the work needs; only the case's
	// caseworkers see it.
	Contact string `json:"contact,omitempty"`
	// Owner is the caseworker responsible for the case.
	Owner string `json:"owner"`
	// Members are the others the case is shared with; the owner is always
	// a member, as a caseworker.
	Members    []Member      `json:"members,omitempty"`
	Filter     vector.Filter `json:"filter"`
	References []Reference   `json:"references"`
	Candidates []Candidate   `json:"candidates"`
	Created    time.Time     `json:"created"`
	Updated    time.Time     `json:"updated"`
	Matched    time.Time     `json:"matched,omitzero"`
	// Archive is the archive's size when the case was last matched.
	Archive search.Size `json:"archive"`
	// Reviews are reviewers' words on whole shortlists ("none of these").
	Reviews []ShortlistReview `json:"reviews,omitempty"`
}

// NoneOfThese reports whether the shortlist holds no candidate at least a
// possible match that a reviewer has not excluded: the archive probably
// does not hold the person yet.
func (c *Case) NoneOfThese() bool {
	for _, cd := range c.Candidates {
		if cd.Listed && cd.Verdict != Excluded && (cd.Strength == match.Strong || cd.Strength == match.Possible) {
			return false
		}
	}
	return true
}

// Candidate returns the candidate for an individual.
func (c *Case) Candidate(individual string) (*Candidate, bool) {
	for i := range c.Candidates {
		if c.Candidates[i].Individual == individual {
			return &c.Candidates[i], true
		}
	}
	return nil, false
}

// Excluded lists the individuals excluded for this case.
func (c *Case) Excluded() []string {
	var out []string
	for _, cd := range c.Candidates {
		if cd.Verdict == Excluded {
			out = append(out, cd.Individual)
		}
	}
	return out
}

// Flagged counts candidates awaiting review after a standing search.
func (c *Case) Flagged() int {
	n := 0
	for _, cd := range c.Candidates {
		if cd.Flagged {
			n++
		}
	}
	return n
}

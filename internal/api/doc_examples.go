package api

import (
	"image"
	"time"

	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/cases"
	"github.com/facetriage/facetriage/internal/face"
	"github.com/facetriage/facetriage/internal/match"
	"github.com/facetriage/facetriage/internal/search"
	"github.com/facetriage/facetriage/internal/vector"
)

// Samples of answers, shown in the OpenAPI document (TestOpenAPIExamples
// holds them to their schemas). The names, numbers and hashes are made up.

var exampleTime = time.Date(2025, 3, 1, 10, 30, 0, 0, time.UTC)

var exampleSession = sessionInfo{User: "caseworker-1", Role: string(auth.RoleCaseworker), CSRF: "q3J5bWF0dGVyc2hlcmU", Via: auth.ViaSession}

var exampleCandidate = cases.Candidate{
	Individual: "caesar/227/4321", Distance: 0.41, Score: -0.45, Normalised: true, Strength: match.Strong, FPIR: 0.0004,
	Photo: "9f2c4b7e1a0d3f5c6b8e2a4d6f8b0c2e4a6d8f0b2c4e6a8d0f2b4c6e8a0d2f4b", Face: 0,
	Box: face.Box(image.Rect(412, 220, 598, 431)), Photos: 2, Number: "4321", Source: "caesar", Branch: "227",
	Verdict: cases.Possible, FirstSeen: exampleTime, Listed: true,
	Decisions: []cases.Decision{{Verdict: cases.Possible, Reason: "the scar above the left eyebrow matches the family's description",
		By: "reviewer-1", Role: string(auth.RoleReviewer), At: exampleTime.Add(2 * time.Hour)}},
}

var exampleCase = cases.Case{
	ID: "CK7M2QXPA4NBR", Name: "Ahmad K.", Status: cases.StatusOpen, DisappearedOn: "2013-05-12", DisappearedAt: "Damascus, checkpoint at Kafr Sousa",
	Notes: "scar above the left eyebrow", Contact: "his brother, by phone", Owner: "caseworker-1",
	Members: []cases.Member{{Name: "reviewer-1", Role: auth.RoleReviewer, Added: exampleTime, AddedBy: "caseworker-1"}},
	Filter:  vector.Filter{Sources: []string{"caesar"}},
	References: []cases.Reference{{ID: "3b1f0c9e7d5a2b4c6e8f0a1c3e5b7d9f1a3c5e7b9d1f3a5c7e9b1d3f5a7c9e1b", Faces: []face.Box{face.Box(image.Rect(120, 80, 260, 240))},
		Face: 0, Added: exampleTime, AddedBy: "caseworker-1"}},
	Candidates: []cases.Candidate{exampleCandidate},
	Created:    exampleTime, Updated: exampleTime.Add(2 * time.Hour), Matched: exampleTime.Add(time.Minute),
	Archive: search.Size{Faces: 51230, Individuals: 6742},
}

var exampleSummary = caseSummary{ID: exampleCase.ID, Name: exampleCase.Name, Status: cases.StatusOpen, Owner: "caseworker-1",
	References: 1, Candidates: 12, Flagged: 0}

var exampleSearch = search.Result{Faces: 1, Used: 0, Probe: face.Box(image.Rect(120, 80, 260, 240)),
	Candidates: []search.Candidate{{Rank: 1, Individual: exampleCandidate.Individual, Distance: 0.41, Photo: exampleCandidate.Photo,
		Path: "caesar/227/227_4321_Photographer_2013-05-20.jpg", Face: 0, Box: exampleCandidate.Box, Photos: 2, Number: "4321",
		Source: "caesar", Branch: "227", Score: -0.45, Normalised: true, Strength: match.Strong, FPIR: 0.0004,
		Meaning: "in an archive of this size, fewer than 1 search in 1,000 for a person who is not in it shows a face this close"}},
	Archive: search.Size{Faces: 51230, Individuals: 6742}, Summary: "1 candidate at least a possible match"}

var exampleFamily = cases.FamilyView{Case: exampleCase.ID, Name: exampleCase.Name, Warning: cases.ContentWarning,
	Candidates: []cases.FamilyCandidate{{Individual: exampleCandidate.Individual, Number: "4321", Photos: 2, Verdict: cases.Possible}}}

var exampleUser = userView{Name: "reviewer-2", Role: auth.RoleReviewer}

var exampleToken = auth.Token{ID: "tQ8mZ2xVb", Label: "nightly import", Role: auth.RoleCaseworker, Owner: "caseworker-1",
	Created: exampleTime, Expires: exampleTime.AddDate(0, 0, 90)}

var exampleNewToken = newToken{Token: exampleToken, Secret: "ft_tQ8mZ2xVb…", Note: tokenNote}

// Package match turns a distance found by a search into words a caseworker
// can use, words that describe the search at the archive's size, not one
// pair of faces: "possible" means that fewer than 1 search in 100 of an
// archive this large, without the person, shows a face this close.
//
// The words rest on thresholds.json, which the evaluation harness
// (`facetriage eval --open-set`) writes: the rates each word stands for,
// the model of how often a face of another person lies this close (Model),
// and where its values come from (the dataset, the command, the checks).
//
// Distances are euclidean distances between dlib descriptors: 0 is the same
// photo, two photos of one person usually lie under 0.6.
package match

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

//go:embed thresholds.json
var thresholdsJSON []byte

// Strength is a match strength, in the words practitioners use for leads:
// never an identification, which only a person makes.
type Strength string

// Strengths, from the nearest.
const (
	Strong   Strength = "strong"
	Possible Strength = "possible"
	Weak     Strength = "weak"
	Unlikely Strength = "unlikely"
)

// Level is one threshold: faces at Distance or nearer are at least that
// strong; FMR is the share of two different people's faces that are that
// near on the evaluation dataset (the false match rate).
type Level struct {
	Distance float64 `json:"distance"`
	FMR      float64 `json:"fmr"`
	// TMR is the share of two photos of one person that are that near.
	TMR float64 `json:"tmr"`
}

// Rates are the false positive identification rates the words stand for:
// the share of searches without the person that show a face this close.
type Rates struct {
	Strong   float64 `json:"strong"`
	Possible float64 `json:"possible"`
	Weak     float64 `json:"weak"`
}

// Thresholds is thresholds.json.
type Thresholds struct {
	Unit string `json:"unit"`
	// Rates and Model decide the words (Assess).
	Rates Rates `json:"rates"`
	Model Model `json:"model"`
	// Normalised, when set, decides the words from archives of its
	// MinFaces faces up, on the normalised score (AssessScore).
	Normalised *Normalisation `json:"normalised,omitempty"`
	// OpenSet says where the model comes from and how well it held on
	// galleries it was not fitted on.
	OpenSet map[string]any `json:"open_set,omitempty"`
	// Strong, Possible and Weak are the per-pair levels (false match rates
	// of one comparison) the harness measured: kept for reference, they
	// describe one pair of faces, not a search.
	Strong   Level `json:"strong"`
	Possible Level `json:"possible"`
	Weak     Level `json:"weak"`
	// Source says where the values come from.
	Source struct {
		Dataset       string `json:"dataset"`
		Command       string `json:"command"`
		Date          string `json:"date"`
		Model         string `json:"model"`
		GenuinePairs  int    `json:"genuine_pairs"`
		ImpostorPairs int    `json:"impostor_pairs"`
	} `json:"source"`
}

// Default returns the thresholds compiled into the binary.
func Default() Thresholds {
	t, err := Parse(thresholdsJSON)
	if err != nil {
		panic("match: embedded thresholds.json: " + err.Error()) // a build defect, caught by tests
	}
	return t
}

// Parse reads and checks a thresholds file.
func Parse(b []byte) (Thresholds, error) {
	var t Thresholds
	if err := json.Unmarshal(b, &t); err != nil {
		return t, fmt.Errorf("match: %w", err)
	}
	r := t.Rates
	if !(0 < r.Strong && r.Strong < r.Possible && r.Possible < r.Weak && r.Weak < 1) {
		return t, fmt.Errorf("match: rates out of order: strong %v, possible %v, weak %v", r.Strong, r.Possible, r.Weak)
	}
	if err := t.Model.check(); err != nil {
		return t, err
	}
	if err := t.Normalised.check(); err != nil {
		return t, err
	}
	return t, nil
}

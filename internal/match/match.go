// Package match turns a distance between two faces into words a caseworker
// can use. The distances come from thresholds.json, which the evaluation
// harness (`facetriage eval`) writes from measured false match rates; the
// file records the dataset, the command and the rates behind each value.
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

// Thresholds is thresholds.json.
type Thresholds struct {
	Unit     string `json:"unit"`
	Strong   Level  `json:"strong"`
	Possible Level  `json:"possible"`
	Weak     Level  `json:"weak"`
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
	if !(0 < t.Strong.Distance && t.Strong.Distance <= t.Possible.Distance && t.Possible.Distance <= t.Weak.Distance) {
		return t, fmt.Errorf("match: thresholds out of order: strong %v, possible %v, weak %v",
			t.Strong.Distance, t.Possible.Distance, t.Weak.Distance)
	}
	return t, nil
}

// Of names the strength of a distance.
func (t Thresholds) Of(distance float64) Strength {
	switch {
	case distance <= t.Strong.Distance:
		return Strong
	case distance <= t.Possible.Distance:
		return Possible
	case distance <= t.Weak.Distance:
		return Weak
	}
	return Unlikely
}

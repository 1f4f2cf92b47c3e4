package vector

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"
)

// UnmarshalJSON reads a filter, refusing unknown fields. A filter written
// before its fields had JSON names (Sources, Branches, From, To,
// ExcludeIndividuals, as cases stored them) reads too: encoding/json
// matches the first four whatever their case, the last by its old name.
func (f *Filter) UnmarshalJSON(data []byte) error {
	var v struct {
		Sources            []string  `json:"sources"`
		Branches           []string  `json:"branches"`
		From               time.Time `json:"from"`
		To                 time.Time `json:"to"`
		ExcludeIndividuals []string  `json:"exclude_individuals"`
		Legacy             []string  `json:"ExcludeIndividuals"`
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("vector: filter: %w", err)
	}
	*f = Filter{Sources: v.Sources, Branches: v.Branches, From: v.From, To: v.To,
		ExcludeIndividuals: append(v.ExcludeIndividuals, v.Legacy...)}
	return nil
}

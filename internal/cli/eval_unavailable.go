//go:build !cgo

package cli

import (
	"fmt"

	"github.com/facetriage/facetriage/internal/engine"
)

// evalCmd stands for the evaluation in a binary built without the face
// engine (eval.go needs cgo): it takes any arguments and says how to get a
// build that can run it.
type evalCmd struct {
	Args []string `arg:"" optional:"" passthrough:"all" help:"The evaluation's arguments. This binary was built without the face engine, which eval needs: see the README, \"Building with and without the face engine\"."`
}

func (c *evalCmd) Run(e *env) error {
	return fmt.Errorf("eval: %w", engine.ErrNoFaceEngine)
}

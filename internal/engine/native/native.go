//go:build cgo

package native

import (
	"fmt"

	"github.com/facetriage/facetriage/internal/config"
	"github.com/facetriage/facetriage/internal/engine"
	"github.com/facetriage/facetriage/internal/imaging"
	"github.com/facetriage/facetriage/internal/imgfile"
	"github.com/facetriage/facetriage/models/dlibface"
)

var _ engine.Picture = (*imaging.Picture)(nil)
var _ engine.Recognizer = (*dlibface.Pool)(nil)

// Decoder is the OpenCV decoder as an engine.Decoder.
var Decoder = engine.DecoderFunc(func(data []byte, lim imgfile.Limits) (engine.Picture, imgfile.Info, error) {
	p, info, err := imaging.Decode(data, lim)
	if err != nil {
		return nil, info, err
	}
	return p, info, nil
})

// Engine is an engine with its recognizer pool, which Close frees.
type Engine struct {
	*engine.Engine
	Pool *dlibface.Pool
}

// Close frees the recognizers. No Embed may be running.
func (e *Engine) Close() { e.Pool.Close() }

// Open loads the models named by cfg and returns a ready engine. Each
// adjust function may change the engine options cfg gives.
func Open(cfg config.Config, adjust ...func(*engine.Options)) (*Engine, error) {
	opts := cfg.EngineOptions()
	for _, f := range adjust {
		f(&opts)
	}
	if err := opts.Validate(); err != nil {
		return nil, err
	}
	// The pool provides the parallelism; OpenCV's own threads would only
	// compete with it for the cores.
	imaging.SetThreads(1)
	p, err := dlibface.Open(dlibface.Config{ModelDir: cfg.ModelDirOrDefault(), Size: cfg.Workers, Jitter: cfg.Jitter})
	if err != nil {
		return nil, err
	}
	e, err := engine.New(Decoder, p, opts)
	if err != nil {
		p.Close()
		return nil, fmt.Errorf("native: %w", err)
	}
	return &Engine{Engine: e, Pool: p}, nil
}

package engine

import (
	"context"
	"time"

	"github.com/facetriage/facetriage/internal/face"
)

// find looks for faces with HOG (and, in hog+cnn mode, the CNN where HOG
// finds none): at any angle when the recognizer and the picture allow it
// and the options ask for rotations, else by the quarter-turn sweep.
func (e *Engine) find(ctx context.Context, pic Picture, mode DetectMode, start time.Time, cost *Cost) ([]candidate, error) {
	if det, ok := e.rec.(ViewDetector); ok && !e.opts.Upright && !e.opts.QuarterTurns {
		if wp, ok := pic.(WarpPicture); ok {
			return e.anyAngle(ctx, wp, det, mode, start, cost)
		}
	}
	cost.Level = "sweep"
	cs, err := e.search(ctx, pic, face.HOG)
	if err == nil && len(cs) == 0 && mode == ModeFallback {
		cs, err = e.search(ctx, pic, face.CNN)
	}
	return cs, err
}

func (o Options) coarseSide() int { return orDefault(o.CoarseSide, DefaultCoarseSide) }

func (o Options) cnnSide() int { return orDefault(o.CNNSide, DefaultCNNSide) }

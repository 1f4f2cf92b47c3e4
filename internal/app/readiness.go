package app

import (
	"context"
	"errors"
	"fmt"

	"github.com/facetriage/facetriage/internal/vector"
)

// Ready reports whether this process can do its work: it is connected to
// NATS, the store takes writes (Storage.Check: a probe write and, in the
// embedded mode, the free space of the data directory) and the index
// answers. It is /readyz.
func (rt *Runtime) Ready(ctx context.Context, store vector.Store) error {
	if !rt.NC.IsConnected() {
		return errors.New("not connected to NATS")
	}
	if err := rt.Storage().Check(ctx); err != nil {
		var se *StorageError
		switch {
		case !errors.As(err, &se):
			return err
		// /readyz answers anyone: say why, without the path.
		case errors.Is(se.Kind, ErrInsufficientStorage) && se.Free >= 0:
			return fmt.Errorf("%w: %s", se.Kind, se.space())
		default:
			return fmt.Errorf("%w: a probe write failed", se.Kind)
		}
	}
	if _, err := store.Count(ctx); err != nil {
		return fmt.Errorf("the index: %w", err)
	}
	return nil
}

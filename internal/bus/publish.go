package bus

import (
	"context"
	"fmt"

	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/protobuf/proto"
)

// Publisher sends a stage's input with a message id, so that JetStream
// drops a second copy published within DuplicateWindow.
type Publisher struct {
	JS jetstream.JetStream
}

// Publish marshals m and publishes it to stage's work queue with id.
func (p Publisher) Publish(ctx context.Context, stage string, m proto.Message, id string) error {
	b, err := proto.Marshal(m)
	if err != nil {
		return fmt.Errorf("bus: %w", err)
	}
	if _, err := p.JS.Publish(ctx, SubjectOf(stage), b, jetstream.WithMsgID(id)); err != nil {
		return fmt.Errorf("bus: publish to %s: %w", stage, err)
	}
	return nil
}

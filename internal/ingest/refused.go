package ingest

import (
	"errors"
	"fmt"
	"unicode/utf8"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"
	"google.golang.org/protobuf/proto"

	"github.com/facetriage/facetriage/internal/imgfile"
)

// refused reports whether the bus refused a photo's message for what it
// is, so that sending it again cannot help: a message larger than the
// server's max_payload or the stream's message size (a cluster configured
// below bus.MaxPayload), or one protobuf cannot encode. Anything else (a
// full work queue, a server that does not answer) is retried.
func refused(err error) bool {
	return errors.Is(err, nats.ErrMaxPayload) ||
		errors.Is(err, jetstream.ErrStreamMessageExceedsMaximum) ||
		errors.Is(err, proto.Error)
}

// refusal is the error recorded for a refused message: too_large, unless
// protobuf could not encode it.
func refusal(err error) error {
	if errors.Is(err, proto.Error) {
		return err
	}
	return fmt.Errorf("%w: the bus refuses a message this large (%w)", imgfile.ErrTooLarge, err)
}

// checkText refuses options a message cannot carry: protobuf strings are
// UTF-8.
func checkText(opts Options) error {
	if !utf8.ValidString(opts.Source) {
		return fmt.Errorf("ingest: the source name %q is not UTF-8", opts.Source)
	}
	for _, p := range opts.Patterns {
		if !utf8.ValidString(p) {
			return fmt.Errorf("ingest: the pattern %q is not UTF-8", p)
		}
	}
	return nil
}

package pipeline

import (
	"errors"
	"fmt"
	"runtime/debug"
)

// ErrPanic is wrapped in the error of a stage that panicked on a message:
// a bug, not a fault of the photo's nor of the network. The runner does
// not retry it: it records the photo's failure (kind "panic", error kind
// "panic"), writes the stack to the log, and goes on with the next message.
// Once the bug is fixed, `ingest --retry-failed` sends the photo again.
var ErrPanic = errors.New("the stage panicked")

// panicError carries a recovered panic and where it happened.
type panicError struct {
	value any
	stack []byte
}

func (p *panicError) Error() string { return fmt.Sprintf("%v: %v", ErrPanic, p.value) }
func (p *panicError) Unwrap() error { return ErrPanic }

// guard runs fn and turns a panic in it into a *panicError, so that one
// photo cannot take the process down (and the HTTP side with it).
func guard(fn func() error) (err error) {
	defer func() {
		if v := recover(); v != nil {
			err = &panicError{value: v, stack: debug.Stack()}
		}
	}()
	return fn()
}

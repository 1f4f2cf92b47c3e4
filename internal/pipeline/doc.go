// Package pipeline is the stage contract and the loop that runs a stage on
// its JetStream work queue.
//
// A stage processes one message (or a batch) and returns an error. The error
// decides the acknowledgement:
//
//   - nil: Ack.
//   - a Permanent error (the file is not an image, the photo was never
//     catalogued, …): Term, and a failure record operators can list.
//   - any other error is transient: NakWithDelay with a growing delay
//     (bus.Backoff), and after bus.MaxDeliver deliveries a failure record and
//     Term.
//   - a panic in a stage is a bug: the runner recovers it, records the
//     failure (kind "panic") with the stack in the log, terminates the
//     message and goes on (ErrPanic). A batch that panics is processed again
//     one message at a time, so that only the culprit fails.
//   - while a stage works, the runner tells JetStream it is in progress, so
//     long work is not redelivered to another worker.
//
// A worker that dies without acknowledging loses nothing: JetStream
// redelivers after the stage's AckWait, and a message that exhausts its
// deliveries that way is recorded from the server's advisory.
package pipeline

//go:build unix

package archive

import "syscall"

// Flags for opening originals: O_NONBLOCK so that a FIFO put in a file's
// place never blocks the walk (it is refused once stat says what it is),
// and O_NOFOLLOW for entries found inside a folder.
const (
	openFlags    = syscall.O_NONBLOCK
	openNoFollow = syscall.O_NOFOLLOW
)

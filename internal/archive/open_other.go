//go:build !unix

package archive

// Elsewhere than on Unix, files are opened plainly; the walk still checks
// each entry's type before opening it and after.
const (
	openFlags    = 0
	openNoFollow = 0
)

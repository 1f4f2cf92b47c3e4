package archive

import (
	"errors"
	"io/fs"

	"github.com/facetriage/facetriage/internal/pipeline"
)

// Errors of entries Walk does not read. Each ends in a failure record of
// the ingest stage, with the error kind ErrorKind gives.
var (
	// ErrSymlink: a symbolic link, in a folder or a tar or zip archive.
	// Links are never followed: a link inside a cache may point anywhere
	// on the machine. A folder named on the command line is followed.
	ErrSymlink = errors.New("a symbolic link: not followed")
	// ErrHardLink: a hard-link member of a tar archive. Its bytes are those
	// of the member it names, which is ingested under its own name.
	ErrHardLink = errors.New("a hard link in a tar archive: not followed")
	// ErrSpecial: a FIFO, socket or device file (or such a member): reading
	// it could block forever or read a device.
	ErrSpecial = errors.New("not a regular file: not read")
	// ErrNestedArchive: an archive inside an archive is not opened.
	ErrNestedArchive = errors.New("an archive inside an archive: not opened (extract it and ingest it)")
	// ErrBadArchive: a zip, tar or gzip stream that cannot be read (for
	// example truncated). The members read before the damage are ingested.
	ErrBadArchive = errors.New("the archive cannot be read")
	// ErrLongName: a photo's recorded path is longer than MaxPathBytes.
	ErrLongName = errors.New("the path is too long to record")
)

// MaxPathBytes bounds a photo's recorded path (see EncodePath), so that
// its message keeps within the bus's payload. A path on Linux has at most
// 4096 bytes, 20,480 once every byte is escaped; a zip's member names can
// be longer.
const MaxPathBytes = 32 << 10

// Error kinds of the errors above, as failure records name them.
const (
	KindSymlink       = "symlink"
	KindHardLink      = "hardlink"
	KindSpecial       = "special"
	KindNestedArchive = "nested_archive"
	KindBadArchive    = "bad_archive"
	KindLongName      = "long_name"
	KindIO            = "io"
)

// ErrorKind names the class of an error Walk gives an entry: one of the
// kinds above, a photo error's kind (pipeline.ErrorKind: too_large, …), or
// io for anything else (permission denied, a folder that cannot be read).
func ErrorKind(err error) string {
	for _, k := range []struct {
		err  error
		kind string
	}{
		{ErrSymlink, KindSymlink}, {ErrHardLink, KindHardLink}, {ErrSpecial, KindSpecial},
		{ErrNestedArchive, KindNestedArchive}, {ErrBadArchive, KindBadArchive}, {ErrLongName, KindLongName},
	} {
		if errors.Is(err, k.err) {
			return k.kind
		}
	}
	if k := pipeline.ErrorKind(err); k != "" {
		return k
	}
	return KindIO
}

// recordedErr returns err with the raw path of an *fs.PathError in its
// recorded form, so that the message is UTF-8 and names the path as the
// records do. errors.Is still sees the cause.
func recordedErr(err error) error {
	if pe, ok := err.(*fs.PathError); ok && pe.Path != EncodePath(pe.Path) {
		return &fs.PathError{Op: pe.Op, Path: EncodePath(pe.Path), Err: pe.Err}
	}
	return err
}

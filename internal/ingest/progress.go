package ingest

import (
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"

	"github.com/schollz/progressbar/v3"
	"golang.org/x/term"

	"github.com/facetriage/facetriage/internal/archive"
	"github.com/facetriage/facetriage/internal/imgfile"
)

// bar shows photos through the pipeline out of photos found, with faces,
// failures, rate and ETA: a progress bar on a terminal, plain lines (see
// lines) on anything else, such as a log file.
type bar struct {
	pb    *progressbar.ProgressBar
	lines *lines
	w     io.Writer
	total int
}

// IsTerminal reports whether w is a terminal, where a progress bar may
// redraw itself with carriage returns.
func IsTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	return ok && term.IsTerminal(int(f.Fd()))
}

func newBar(w io.Writer, total int) *bar {
	if w == nil {
		return &bar{}
	}
	if !IsTerminal(w) {
		return &bar{lines: newLines(w, lineEvery), w: w, total: total}
	}
	pb := progressbar.NewOptions(max(total, 1),
		progressbar.OptionSetWriter(w),
		progressbar.OptionSetDescription("ingest"),
		progressbar.OptionShowCount(),
		progressbar.OptionShowIts(),
		progressbar.OptionSetItsString("photos"),
		progressbar.OptionSetPredictTime(true),
		progressbar.OptionSetWidth(24),
		progressbar.OptionThrottle(200_000_000),
		progressbar.OptionShowDescriptionAtLineEnd(),
	)
	return &bar{pb: pb, w: w, total: total}
}

// seen grows the total when the walk finds more than counted (tar archives
// are not counted ahead).
func (b *bar) seen(n int) {
	if n > b.total {
		b.total = n
		if b.pb != nil {
			b.pb.ChangeMax(n)
		}
	}
}

func (b *bar) update(s Summary) {
	if b.lines != nil {
		b.lines.update(s, b.total)
	}
	if b.pb == nil {
		return
	}
	b.pb.Describe(fmt.Sprintf("faces %d · no face %d · failed %d", s.Faces, s.NoFace, s.Failed+s.Unreadable))
	_ = b.pb.Set(s.Indexed + s.Skipped + s.NoFace + s.Failed + s.Unreadable + s.Links)
}

func (b *bar) finish() {
	if b.lines != nil {
		b.lines.finish()
	}
	if b.pb != nil {
		_ = b.pb.Finish()
		fmt.Fprintln(b.w)
	}
}

func isDir(p string) bool {
	st, err := os.Stat(p)
	return err == nil && st.IsDir()
}

// countPhotos counts photos in folders and zip archives without reading
// them; tar archives are counted as they are read.
func countPhotos(paths []string) int {
	n := 0
	for _, p := range paths {
		start := p
		if fi, err := os.Lstat(p); err == nil && fi.Mode()&os.ModeSymlink != 0 && isDir(p) {
			start = p + string(filepath.Separator) // a named link is followed, as archive.Walk does
		}
		_ = filepath.WalkDir(start, func(path string, d os.DirEntry, err error) error {
			if err != nil || !d.Type().IsRegular() {
				return nil
			}
			switch {
			case strings.HasSuffix(strings.ToLower(path), ".zip"):
				n += countZip(path)
			case archive.IsArchiveName(path):
			case path == start || imgfile.IsPhotoName(d.Name()):
				n++
			}
			return nil
		})
	}
	return n
}

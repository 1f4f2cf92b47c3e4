package ingest

import (
	"fmt"
	"io"
	"time"
)

// lineEvery is how often plain progress writes a line while counts change.
const lineEvery = 5 * time.Second

// lines is progress for a writer that is not a terminal (a log file, a
// pipe, a service's journal): one plain line now and then, and one at the
// end, never a carriage return or an escape sequence.
type lines struct {
	w     io.Writer
	every time.Duration
	last  time.Time
	sum   Summary
	total int
	dirty bool
}

func newLines(w io.Writer, every time.Duration) *lines {
	return &lines{w: w, every: every, last: time.Now()}
}

func (l *lines) update(s Summary, total int) {
	l.sum, l.total, l.dirty = s, total, true
	if time.Since(l.last) >= l.every {
		l.write()
	}
}

func (l *lines) finish() {
	if l.dirty {
		l.write()
	}
}

func (l *lines) write() {
	fmt.Fprintln(l.w, ProgressLine(l.sum, l.total))
	l.last, l.dirty = time.Now(), false
}

// ProgressLine is one line of plain progress: entries through out of
// entries found, and what became of them.
func ProgressLine(s Summary, total int) string {
	through := s.Indexed + s.Skipped + s.NoFace + s.Failed + s.Unreadable + s.Links
	return fmt.Sprintf("ingest: %d of %d through: %d indexed (%d faces), %d done before, %d without a face, %d failed, %d unreadable",
		through, max(total, s.Seen), s.Indexed, s.Faces, s.Skipped, s.NoFace, s.Failed, s.Unreadable)
}

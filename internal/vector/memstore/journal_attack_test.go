package memstore_test

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"

	"github.com/facetriage/facetriage/internal/face"
	"github.com/facetriage/facetriage/internal/vector"
	"github.com/facetriage/facetriage/internal/vector/memstore"
)

// Attack: the embedded index's journal holds every face descriptor of
// the archive (biometric templates of the dead) with its photo's SHA-256,
// individual key and source, in the clear, and is made with mode 0644 in a
// folder of mode 0755 (DATA/index/faces.journal on a real data directory).
// Everything else in DATA is 0600/0700; only the data directory's own mode
// keeps other accounts out of these files, and a copy of DATA/index (a
// backup tool, a support bundle) keeps them readable to all. The index must
// be as private as the rest of the data directory.
func TestAttackJournalIsPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "index")
	s, err := memstore.Open(dir)
	if err != nil {
		t.Fatal(err)
	}
	var d face.Descriptor
	d[0] = 1
	p := vector.Point{ID: vector.PointID("photo", 0), Vector: d, Payload: vector.Payload{Photo: "photo", Individual: "caesar/215/7003"}}
	if err := s.Upsert(context.Background(), []vector.Point{p}); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	err = filepath.WalkDir(dir, func(path string, e fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		fi, err := os.Stat(path)
		if err != nil {
			return err
		}
		if fi.Mode().Perm()&0o077 != 0 {
			t.Errorf("%s: mode %v: other accounts may read the faces of the archive", path, fi.Mode().Perm())
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

package eval

import (
	"encoding/csv"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"
)

// Sample is one labelled photo.
type Sample struct {
	Path     string
	Identity string
}

// LoadLabels reads DIR/labels.csv (header "path,identity"). Paths are
// resolved against DIR, or against its parent (as in LFW's copy, whose
// paths start with the dataset folder's name).
func LoadLabels(dir string) ([]Sample, error) {
	f, err := os.Open(filepath.Join(dir, "labels.csv"))
	if err != nil {
		return nil, fmt.Errorf("eval: %w", err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	head, err := r.Read()
	if err != nil {
		return nil, fmt.Errorf("eval: labels.csv: %w", err)
	}
	if len(head) < 2 || head[0] != "path" || head[1] != "identity" {
		return nil, fmt.Errorf("eval: labels.csv: header %v, want path,identity", head)
	}
	var out []Sample
	for {
		rec, err := r.Read()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return nil, fmt.Errorf("eval: labels.csv: %w", err)
		}
		p := rec[0]
		if !filepath.IsAbs(p) {
			if _, err := os.Stat(filepath.Join(dir, p)); err == nil {
				p = filepath.Join(dir, p)
			} else {
				p = filepath.Join(filepath.Dir(dir), p)
			}
		}
		out = append(out, Sample{Path: p, Identity: rec[1]})
	}
	if len(out) == 0 {
		return nil, errors.New("eval: labels.csv lists no photos")
	}
	return out, nil
}

// LoadNamed reads a folder of photos named after the person they show,
// with an optional number: tzuyu.jpg and tzuyu2.jpg are one identity,
// "tzuyu".
func LoadNamed(dir string) ([]Sample, error) {
	entries, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("eval: %w", err)
	}
	var out []Sample
	for _, e := range entries {
		ext := strings.ToLower(filepath.Ext(e.Name()))
		if e.IsDir() || (ext != ".jpg" && ext != ".jpeg" && ext != ".png") {
			continue
		}
		id := strings.TrimRight(strings.TrimSuffix(e.Name(), filepath.Ext(e.Name())), "0123456789")
		out = append(out, Sample{Path: filepath.Join(dir, e.Name()), Identity: id})
	}
	if len(out) == 0 {
		return nil, fmt.Errorf("eval: %s holds no photos", dir)
	}
	return out, nil
}

// LoadAny reads DIR/labels.csv when there is one, and names identities
// after the photos' file names otherwise (LoadNamed).
func LoadAny(dir string) (samples []Sample, named bool, err error) {
	if _, err := os.Stat(filepath.Join(dir, "labels.csv")); err == nil {
		s, err := LoadLabels(dir)
		return s, false, err
	}
	s, err := LoadNamed(dir)
	return s, true, err
}

// Split is the protocol's division of a dataset.
type Split struct {
	// Probes holds one photo of each identity with two or more photos.
	Probes []Sample
	// Archive holds every other photo: the probes' identities' other
	// photos, and the distractors.
	Archive []Sample
	// Distractors counts identities with a single photo.
	Distractors int
}

// FamilySplit applies the protocol. Within an identity, photos are taken
// in path order and the first is the probe. limit > 0 keeps that many
// probe identities and twice as many distractors, chosen evenly.
func FamilySplit(samples []Sample, limit int) Split {
	by := map[string][]Sample{}
	var ids []string
	for _, s := range samples {
		if _, ok := by[s.Identity]; !ok {
			ids = append(ids, s.Identity)
		}
		by[s.Identity] = append(by[s.Identity], s)
	}
	sort.Strings(ids)
	var multi, single []string
	for _, id := range ids {
		sort.Slice(by[id], func(i, j int) bool { return by[id][i].Path < by[id][j].Path })
		if len(by[id]) >= 2 {
			multi = append(multi, id)
		} else {
			single = append(single, id)
		}
	}
	if limit > 0 {
		multi = every(multi, limit)
		single = every(single, 2*limit)
	}
	var sp Split
	for _, id := range multi {
		sp.Probes = append(sp.Probes, by[id][0])
		sp.Archive = append(sp.Archive, by[id][1:]...)
	}
	for _, id := range single {
		sp.Archive = append(sp.Archive, by[id]...)
	}
	sp.Distractors = len(single)
	return sp
}

// every picks n of xs, evenly spread.
func every(xs []string, n int) []string {
	if n >= len(xs) {
		return xs
	}
	out := make([]string, n)
	for i := range out {
		out[i] = xs[i*len(xs)/n]
	}
	return out
}

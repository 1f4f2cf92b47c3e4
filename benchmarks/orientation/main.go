//go:build cgo

// Command orientation fits the engine's upright check: a linear classifier
// on dlib descriptors that tells a face seen upright from a face seen upside
// down, which dlib's HOG detector also fires on.
//
//	go run ./benchmarks/orientation collect -lfw DIR -models DIR -out FILE.csv
//	go run ./benchmarks/orientation train -in FILE.csv -weights internal/engine/upright_weights.go
//
// collect runs HOG on each LFW photo upright and turned 180°, and keeps the
// detection nearest the centre: at 0° it is the face upright, at 180° it is
// the same face upside down. train fits the classifier on two thirds of the
// identities, reports it on the rest, then fits on all and writes the Go file.
package main

import (
	"bufio"
	"context"
	"encoding/csv"
	"flag"
	"fmt"
	"math"
	"math/rand"
	"os"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/facetriage/facetriage/internal/face"
	"github.com/facetriage/facetriage/internal/imaging"
	"github.com/facetriage/facetriage/internal/imgfile"
	"github.com/facetriage/facetriage/models/dlibface"
)

func main() {
	if len(os.Args) < 2 {
		fmt.Fprintln(os.Stderr, "usage: orientation collect|train [flags]")
		os.Exit(2)
	}
	var err error
	switch os.Args[1] {
	case "collect":
		err = collect(os.Args[2:])
	case "train":
		err = train(os.Args[2:])
	default:
		err = fmt.Errorf("unknown mode %q", os.Args[1])
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "orientation:", err)
		os.Exit(1)
	}
}

func collect(args []string) error {
	fs := flag.NewFlagSet("collect", flag.ExitOnError)
	lfw := fs.String("lfw", "", "LFW folder holding labels.csv")
	dir := fs.String("dir", "", "instead of LFW: a folder of photos, each its own identity")
	maxSide := fs.Int("max-side", 0, "scale photos to this longer side (0: ×2, as the engine does for LFW)")
	n := fs.Int("n", 0, "photos to use (0: all), chosen at random with a fixed seed")
	models := fs.String("models", "", "model directory")
	out := fs.String("out", "orientation.csv", "output CSV")
	fs.Parse(args)
	var rows [][]string
	root := filepath.Dir(*lfw)
	if *dir != "" {
		root = *dir
		names, err := filepath.Glob(filepath.Join(*dir, "*.jpg"))
		if err != nil {
			return err
		}
		for _, n := range names {
			rows = append(rows, []string{filepath.Base(n), filepath.Base(n)})
		}
	} else {
		f, err := os.Open(filepath.Join(*lfw, "labels.csv"))
		if err != nil {
			return err
		}
		rows, err = csv.NewReader(bufio.NewReader(f)).ReadAll()
		f.Close()
		if err != nil {
			return err
		}
		rows = rows[1:]
	}
	rand.New(rand.NewSource(1)).Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	if *n > 0 && *n < len(rows) {
		rows = rows[:*n]
	}
	pool, err := dlibface.Open(dlibface.Config{ModelDir: *models})
	if err != nil {
		return err
	}
	defer pool.Close()
	o, err := os.Create(*out)
	if err != nil {
		return err
	}
	defer o.Close()
	w := csv.NewWriter(o)
	var mu sync.Mutex
	var wg sync.WaitGroup
	sem := make(chan struct{}, pool.Size())
	for _, r := range rows {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			recs := collectOne(pool, filepath.Join(root, r[0]), r[1], r[0], *maxSide)
			mu.Lock()
			w.WriteAll(recs)
			mu.Unlock()
		}()
	}
	wg.Wait()
	w.Flush()
	return w.Error()
}

func collectOne(pool *dlibface.Pool, path, ident, rel string, maxSide int) [][]string {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil
	}
	p, _, err := imaging.Decode(data, imgfile.Limits{})
	if err != nil {
		return nil
	}
	defer p.Close()
	var out [][]string
	scale := 2.0 // the engine upsamples LFW's 250 px photos ×2
	if maxSide > 0 {
		scale = float64(maxSide) / float64(max(p.Size().X, p.Size().Y))
	}
	for _, q := range []int{0, 2} {
		j, sz, err := p.View(q, scale, 95)
		if err != nil {
			return nil
		}
		ds, _ := pool.Recognize(context.Background(), j, face.HOG)
		best, bd := -1, math.Inf(1)
		for i, d := range ds {
			cx, cy := float64(d.Rect.Min.X+d.Rect.Max.X)/2, float64(d.Rect.Min.Y+d.Rect.Max.Y)/2
			if dd := math.Hypot(cx-float64(sz.X)/2, cy-float64(sz.Y)/2); dd < bd {
				best, bd = i, dd
			}
		}
		if best < 0 || (maxSide == 0 && bd > 60) {
			continue
		}
		rec := []string{ident, rel, strconv.FormatBool(q == 0)}
		for _, x := range ds[best].Descriptor {
			rec = append(rec, strconv.FormatFloat(float64(x), 'g', -1, 32))
		}
		out = append(out, rec)
	}
	return out
}

func train(args []string) error {
	fs := flag.NewFlagSet("train", flag.ExitOnError)
	in := fs.String("in", "orientation.csv", "CSV from collect")
	lambda := fs.Float64("lambda", 1, "L2 penalty")
	weights := fs.String("weights", "", "write the fitted weights as this Go file")
	check := fs.String("check", "", "also report on this CSV from another collection (another domain)")
	fs.Parse(args)
	rows, err := readRows(*in)
	if err != nil {
		return err
	}
	m := report(os.Stdout, rows, *lambda)
	if *check != "" {
		other, err := readRows(*check)
		if err != nil {
			return err
		}
		pl, n := pairwise(other, func(r row) float64 { return m.score(r.d) })
		pn, _ := pairwise(other, func(r row) float64 { return norm(r.d) })
		fmt.Printf("%s: photos with both detections: upright kept by the norm %s, by the classifier %s, of %d\n", *check, pct(pn), pct(pl), n)
	}
	if *weights == "" {
		return nil
	}
	prov := fmt.Sprintf("LFW deep-funneled: %d HOG detections (%d upright, %d upside down) of %d photos; logistic regression, λ=%g",
		len(rows), count(rows, true), count(rows, false), photos(rows), *lambda)
	return writeWeights(*weights, m, prov)
}

func photos(rows []row) int {
	seen := map[string]bool{}
	for _, r := range rows {
		seen[r.path] = true
	}
	return len(seen)
}

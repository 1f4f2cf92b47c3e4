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
	"sync"

	"github.com/facetriage/facetriage/internal/face"
	"github.com/facetriage/facetriage/internal/imaging"
	"github.com/facetriage/facetriage/internal/imgfile"
	"github.com/facetriage/facetriage/models/dlibface"
)

type sample struct {
	d     face.Descriptor
	up    bool
	ident string
	path  string
}

func main() {
	lfw := flag.String("lfw", "", "lfw dir with labels.csv")
	n := flag.Int("n", 2000, "images")
	models := flag.String("models", "", "")
	outPath := flag.String("out", "orient.csv", "")
	flag.Parse()
	f, _ := os.Open(filepath.Join(*lfw, "labels.csv"))
	rows, _ := csv.NewReader(bufio.NewReader(f)).ReadAll()
	rows = rows[1:]
	rng := rand.New(rand.NewSource(1))
	rng.Shuffle(len(rows), func(i, j int) { rows[i], rows[j] = rows[j], rows[i] })
	rows = rows[:*n]
	pool, err := dlibface.Open(dlibface.Config{ModelDir: *models})
	if err != nil {
		panic(err)
	}
	var mu sync.Mutex
	var ss []sample
	var wg sync.WaitGroup
	sem := make(chan struct{}, 2)
	for _, r := range rows {
		wg.Add(1)
		sem <- struct{}{}
		go func() {
			defer wg.Done()
			defer func() { <-sem }()
			data, err := os.ReadFile(filepath.Join(filepath.Dir(*lfw), r[0]))
			if err != nil {
				return
			}
			p, _, err := imaging.Decode(data, imgfile.Limits{})
			if err != nil {
				return
			}
			defer p.Close()
			for _, q := range []int{0, 2} {
				j, sz, _ := p.View(q, 2, 95)
				ds, _ := pool.Recognize(context.Background(), j, face.HOG)
				// the detection nearest the centre
				best, bd := -1, math.Inf(1)
				for i, d := range ds {
					cx, cy := float64(d.Rect.Min.X+d.Rect.Max.X)/2, float64(d.Rect.Min.Y+d.Rect.Max.Y)/2
					dd := math.Hypot(cx-float64(sz.X)/2, cy-float64(sz.Y)/2)
					if dd < bd {
						best, bd = i, dd
					}
				}
				if best >= 0 && bd < 60 {
					mu.Lock()
					ss = append(ss, sample{ds[best].Descriptor, q == 0, r[1], r[0]})
					mu.Unlock()
				}
			}
		}()
	}
	wg.Wait()
	out, _ := os.Create(*outPath)
	w := csv.NewWriter(out)
	for _, s := range ss {
		rec := []string{s.ident, s.path, fmt.Sprint(s.up)}
		for _, x := range s.d {
			rec = append(rec, fmt.Sprint(x))
		}
		w.Write(rec)
	}
	w.Flush()
	out.Close()
	fmt.Println("samples", len(ss))
}

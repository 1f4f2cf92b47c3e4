package dedup_test

import (
	"context"
	"math/rand"
	"runtime"
	"testing"
	"time"

	"github.com/facetriage/facetriage/internal/archive"
	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/bus/bustest"
	"github.com/facetriage/facetriage/internal/dedup"
	"github.com/facetriage/facetriage/internal/face"
)

// BenchmarkIndexAtArchiveScale registers 70,000 photos (the Damascus
// Dossier's size; 1.4 faces each, as LFW has), then measures what a worker
// pays at start to rebuild the in-memory index from the bucket, its memory,
// and one candidate search. Run it once:
//
//	go test ./internal/dedup -run XXX -bench IndexAtArchiveScale -benchtime 1x
func BenchmarkIndexAtArchiveScale(b *testing.B) {
	const photos = 70_000
	srv := bustest.Start(b, bus.Topology{})
	ctx := context.Background()
	cat, err := archive.Open(ctx, srv.JS)
	if err != nil {
		b.Fatal(err)
	}
	rng := rand.New(rand.NewSource(1))
	desc := func() face.Descriptor {
		var d face.Descriptor
		for i := range d {
			d[i] = float32(rng.NormFloat64() * 0.09)
		}
		return d
	}
	start := time.Now()
	var last archive.HashEntry
	for i := 0; i < photos; i++ {
		e := archive.HashEntry{Photo: shaOf([]byte{byte(i), byte(i >> 8), byte(i >> 16)}), PHash: dedup.Hash(rng.Uint64()).String(), Faces: []archive.PackedDescriptor{archive.PackedDescriptor(desc())}}
		if i%5 < 2 {
			e.Faces = append(e.Faces, archive.PackedDescriptor(desc()))
		}
		if _, err := cat.RegisterHash(ctx, e); err != nil {
			b.Fatal(err)
		}
		last = e
	}
	b.ReportMetric(time.Since(start).Seconds(), "s-register")
	for i := 0; i < b.N; i++ {
		runtime.GC()
		var m0, m1 runtime.MemStats
		runtime.ReadMemStats(&m0)
		l := dedup.NewLinker(cat, nil)
		rctx, cancel := context.WithCancel(ctx)
		done := make(chan struct{})
		start := time.Now()
		go func() { defer close(done); l.Run(rctx) }()
		for l.Index().Len() < photos {
			time.Sleep(10 * time.Millisecond)
		}
		b.ReportMetric(time.Since(start).Seconds(), "s-rebuild")
		runtime.GC()
		runtime.ReadMemStats(&m1)
		b.ReportMetric(float64(m1.HeapAlloc-m0.HeapAlloc)/(1<<20), "MiB-index")
		h, _ := dedup.ParseHash(last.PHash)
		start = time.Now()
		const lookups = 20
		for k := 0; k < lookups; k++ {
			faces := []face.Descriptor{face.Descriptor(last.Faces[0])}
			if c := l.Index().Near(h, true, faces, ^uint64(0)); len(c) == 0 {
				b.Fatal("the last photo is not its own candidate")
			}
		}
		b.ReportMetric(float64(time.Since(start).Microseconds())/lookups/1000, "ms-search")
		cancel()
		<-done
	}
}

// BenchmarkNear is one candidate search among 70,000 photos held in
// memory, without the bucket.
func BenchmarkNear(b *testing.B) {
	rng := rand.New(rand.NewSource(1))
	x := dedup.NewIndex()
	var d face.Descriptor
	for i := 0; i < 70_000; i++ {
		for k := range d {
			d[k] = float32(rng.NormFloat64() * 0.09)
		}
		e := archive.HashEntry{Photo: "p", PHash: dedup.Hash(rng.Uint64()).String(), Faces: []archive.PackedDescriptor{archive.PackedDescriptor(d)}}
		if i%5 < 2 {
			e.Faces = append(e.Faces, archive.PackedDescriptor(d))
		}
		x.Add(e, uint64(i+1))
	}
	faces := []face.Descriptor{d}
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if len(x.Near(dedup.Hash(rng.Uint64()), true, faces, ^uint64(0))) == 0 {
			b.Fatal("no candidate")
		}
	}
}

package benchmarks

import (
	"context"
	"fmt"
	"math/rand"
	"testing"
	"time"

	"github.com/facetriage/facetriage/internal/face"
	"github.com/facetriage/facetriage/internal/search"
	"github.com/facetriage/facetriage/internal/search/searchtest"
	"github.com/facetriage/facetriage/internal/vector"
	"github.com/facetriage/facetriage/internal/vector/memstore"
)

// BenchmarkNormalisedRank is what --normalise costs a search: ranking the
// 20 nearest individuals of the embedded index by distance (the
// reference, measured in the same run) and by the normalised score (a
// cohort of 1,000 faces drawn from the index, and 1,000 distances for the
// reference and for each candidate's face).
func BenchmarkNormalisedRank(b *testing.B) {
	ctx := context.Background()
	for _, n := range []int{10000, 70000, 700000} {
		pts := clustered(n, 1)
		st := memstore.New()
		if err := st.Upsert(ctx, pts); err != nil {
			b.Fatal(err)
		}
		r := rand.New(rand.NewSource(2))
		queries := make([]face.Descriptor, 64)
		for i := range queries {
			queries[i] = pts[r.Intn(len(pts))].Vector
			for k := range queries[i] {
				queries[i][k] += float32(r.NormFloat64() * 0.02)
			}
		}
		perQuery := func(b *testing.B, normalise bool) time.Duration {
			s := &search.Searcher{Store: st, Catalogue: searchtest.NoCatalogue{}, Normalise: normalise}
			start := time.Now()
			for i := 0; i < b.N; i++ {
				cs, err := s.Rank(ctx, queries[i%len(queries)], 20, vector.Filter{})
				if err != nil || len(cs) != 20 || cs[0].Normalised != normalise {
					b.Fatalf("ranked %d, err %v, normalised %v", len(cs), err, len(cs) > 0 && cs[0].Normalised)
				}
			}
			return time.Since(start) / time.Duration(b.N)
		}
		var plain, norm time.Duration
		b.Run(fmt.Sprintf("faces=%d/distance", n), func(b *testing.B) { plain = perQuery(b, false) })
		b.Run(fmt.Sprintf("faces=%d/normalised", n), func(b *testing.B) { norm = perQuery(b, true) })
		if plain > 0 {
			b.Logf("%d faces: %.2f ms by distance, %.2f ms normalised: %.2f×", n,
				float64(plain.Microseconds())/1000, float64(norm.Microseconds())/1000, float64(norm)/float64(plain))
		}
	}
}

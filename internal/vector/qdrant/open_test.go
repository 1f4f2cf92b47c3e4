package qdrant

import (
	"errors"
	"net"
	"testing"
	"time"

	"github.com/qdrant/go-client/qdrant"

	"github.com/facetriage/facetriage/internal/vector"
)

// Open refuses a collection whose vectors are not 128-d euclidean, and
// leaves it alone.
func TestOpenRefusesWrongCollection(t *testing.T) {
	base := target(t)
	for name, params := range map[string]*qdrant.VectorParams{
		"size":     {Size: 64, Distance: qdrant.Distance_Euclid},
		"distance": {Size: 128, Distance: qdrant.Distance_Cosine},
	} {
		t.Run(name, func(t *testing.T) {
			cfg := base
			cfg.Collection = collectionName(t)
			c := rawClient(t, cfg)
			err := c.CreateCollection(ctx, &qdrant.CreateCollection{
				CollectionName: cfg.Collection,
				VectorsConfig:  qdrant.NewVectorsConfig(params),
			})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { drop(t, cfg) })
			s, err := Open(ctx, cfg)
			if err == nil {
				s.Close()
				t.Fatal("Open accepted a collection of the wrong shape")
			}
			if !errors.Is(err, ErrWrongCollection) {
				t.Fatalf("got %v, want ErrWrongCollection", err)
			}
			t.Log(err)
		})
	}
}

// A second Open of the same collection finds it and its indexes, and sees
// the first one's points.
func TestOpenTwice(t *testing.T) {
	base := target(t)
	first := openNew(t, base)
	defer first.Close()
	p := vector.Point{ID: vector.PointID("p", 0), Payload: vector.Payload{Photo: "p", Individual: "i",
		Date: time.Date(2013, 5, 1, 0, 0, 0, 0, time.UTC)}}
	if err := first.Upsert(ctx, []vector.Point{p}); err != nil {
		t.Fatal(err)
	}
	cfg := base
	cfg.Collection = first.collection
	second, err := Open(ctx, cfg)
	if err != nil {
		t.Fatalf("second Open: %v", err)
	}
	defer second.Close()
	if n, err := second.Count(ctx); err != nil || n != 1 {
		t.Fatalf("count %d, %v; want 1", n, err)
	}
	info, err := rawClient(t, cfg).GetCollectionInfo(ctx, cfg.Collection)
	if err != nil {
		t.Fatal(err)
	}
	for _, ix := range indexes {
		if got := info.GetPayloadSchema()[ix.field].GetDataType(); got != ix.schema {
			t.Errorf("index on %q: %s, want %s", ix.field, got, ix.schema)
		}
	}
}

func TestOpenUnreachable(t *testing.T) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := lis.Addr().String()
	lis.Close() // nothing listens there now
	if s, err := Open(ctx, Config{Addr: addr}); err == nil {
		s.Close()
		t.Fatal("Open succeeded with no server")
	}
}

func TestSplitAddr(t *testing.T) {
	for _, tc := range []struct {
		in   string
		host string
		port int
		bad  bool
	}{
		{"", "localhost", 6334, false},
		{"qdrant", "qdrant", 6334, false},
		{"qdrant:7000", "qdrant", 7000, false},
		{":7000", "localhost", 7000, false},
		{"[::1]", "::1", 6334, false},
		{"[::1]:7000", "::1", 7000, false},
		{"qdrant:http", "", 0, true},
		{"qdrant:0", "", 0, true},
	} {
		host, port, err := splitAddr(tc.in)
		if (err != nil) != tc.bad || host != tc.host || port != tc.port {
			t.Errorf("splitAddr(%q) = %q, %d, %v", tc.in, host, port, err)
		}
	}
}

package qdrant

import (
	"context"
	"fmt"
	"math/rand/v2"
	"os"
	"regexp"
	"sync"
	"testing"

	"github.com/qdrant/go-client/qdrant"

	"github.com/facetriage/facetriage/internal/vector"
	"github.com/facetriage/facetriage/internal/vector/qdrant/standin"
	"github.com/facetriage/facetriage/internal/vector/vectortest"
)

var ctx = context.Background()

// TestSuite runs the shared suite against a real Qdrant when QDRANT_ADDR is
// set (QDRANT_API_KEY optional), and against the in-process stand-in
// otherwise. Each store gets a new collection, dropped afterwards.
func TestSuite(t *testing.T) {
	base := target(t)
	vectortest.Run(t, vectortest.Harness{
		Open: func(t *testing.T) vector.Store { return openNew(t, base) },
		Reopen: func(t *testing.T, old vector.Store) vector.Store {
			if err := old.Close(); err != nil {
				t.Fatal(err)
			}
			cfg := base
			cfg.Collection = old.(*Store).collection
			s, err := Open(ctx, cfg)
			if err != nil {
				t.Fatal(err)
			}
			return s
		},
	})
}

var announced sync.Map // messages already printed

// target is the Config of the Qdrant under test, without a collection.
func target(t *testing.T) Config {
	t.Helper()
	if addr := os.Getenv("QDRANT_ADDR"); addr != "" {
		say(t, fmt.Sprintf("vector store suite: running against the Qdrant at %s (QDRANT_ADDR), not the stand-in", addr))
		return Config{Addr: addr, APIKey: os.Getenv("QDRANT_API_KEY")}
	}
	addr, stop, err := standin.Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	say(t, "vector store suite: running against the in-process Qdrant stand-in (not Qdrant); set QDRANT_ADDR to use a real Qdrant")
	return Config{Addr: addr}
}

// say logs to the test and, once per run and message, to stdout, so CI
// output shows which Qdrant ran.
func say(t *testing.T, msg string) {
	t.Log(msg)
	if _, dup := announced.LoadOrStore(msg, true); !dup {
		fmt.Println(msg)
	}
}

// openNew opens a store on a new collection named after the test, dropped
// when the test ends.
func openNew(t *testing.T, base Config) *Store {
	t.Helper()
	cfg := base
	cfg.Collection = collectionName(t)
	s, err := Open(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { drop(t, cfg) })
	return s
}

var unsafeChars = regexp.MustCompile(`[^A-Za-z0-9_-]+`)

// collectionName is unique per call: the test's name and a random suffix.
func collectionName(t *testing.T) string {
	name := unsafeChars.ReplaceAllString(t.Name(), "_")
	if len(name) > 100 {
		name = name[:100]
	}
	return fmt.Sprintf("test_%s_%08x", name, rand.Uint32())
}

// drop deletes a collection with a client of its own.
func drop(t *testing.T, cfg Config) {
	c := rawClient(t, cfg)
	if err := c.DeleteCollection(ctx, cfg.Collection); err != nil {
		t.Errorf("drop collection %s: %v", cfg.Collection, err)
	}
}

// rawClient is a plain go-client connection, closed when the test ends.
func rawClient(t *testing.T, cfg Config) *qdrant.Client {
	t.Helper()
	cc, err := clientConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	c, err := qdrant.NewClient(cc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

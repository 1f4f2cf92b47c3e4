// Package qdrant is the scale-out vector.Store: faces are points of a Qdrant
// collection (128-d, euclidean), reached over Qdrant's gRPC API with the
// official Go client. A query is one QueryGroups call grouped by the
// "individual" payload field, so Qdrant returns each individual's nearest
// face.
//
// Search is exact while a collection is below Qdrant's indexing threshold
// (about 20,000 faces with the default optimizer settings) and approximate
// (HNSW) above it, unless Config.Exact asks Qdrant for an exact scan.
//
// Dates are stored as integer unix seconds: a sub-second part is dropped.
// Package standin has an in-process stand-in for Qdrant for tests.
package qdrant

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"fmt"
	"os"

	"github.com/qdrant/go-client/qdrant"

	"github.com/facetriage/facetriage/internal/vector"
)

var _ vector.Store = (*Store)(nil)

// Defaults of Config.
const (
	DefaultHost       = "localhost"
	DefaultPort       = 6334
	DefaultCollection = "faces"
)

// upsertBatch is the most points sent in one Upsert request, to stay well
// below gRPC's default 4 MiB message limit (a point is about 1 KiB).
const upsertBatch = 512

// Config says where the collection is.
type Config struct {
	// Addr is host:port of Qdrant's gRPC API, or just the host (port 6334).
	Addr string
	// Collection is the collection's name; "faces" when empty.
	Collection string
	// APIKey is sent with every request (Qdrant's service.api_key); use it
	// over TLS only, beyond a private network.
	APIKey string
	// UseTLS reaches Qdrant over TLS, trusting the system's CAs, or TLSCA.
	UseTLS bool
	// TLSCA is a CA certificate (PEM) to trust instead of the system's; it
	// implies UseTLS.
	TLSCA string
	// Exact makes every search an exact scan, even over an HNSW index.
	Exact bool
}

// clientConfig is the go-client's configuration for cfg.
func clientConfig(cfg Config) (*qdrant.Config, error) {
	host, port, err := splitAddr(cfg.Addr)
	if err != nil {
		return nil, err
	}
	// The client's own version check logs to the global logger and ignores
	// ctx; Open's health check replaces it.
	c := &qdrant.Config{Host: host, Port: port, APIKey: cfg.APIKey, UseTLS: cfg.UseTLS || cfg.TLSCA != "",
		SkipCompatibilityCheck: true}
	if cfg.TLSCA != "" {
		pem, err := os.ReadFile(cfg.TLSCA)
		if err != nil {
			return nil, fmt.Errorf("qdrant: TLS CA: %w", err)
		}
		pool := x509.NewCertPool()
		if !pool.AppendCertsFromPEM(pem) {
			return nil, fmt.Errorf("qdrant: TLS CA %s: no PEM certificate", cfg.TLSCA)
		}
		c.TLSConfig = &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}
	}
	return c, nil
}

// Store is a face index in one Qdrant collection. It is safe for
// concurrent use.
type Store struct {
	client     *qdrant.Client
	collection string
	exact      bool
	version    string // the server's, from its health check
}

// Open connects to Qdrant and makes sure the collection exists with the
// right vectors (128-d, euclidean) and payload indexes, creating what is
// missing. An existing collection of another shape is an error.
func Open(ctx context.Context, cfg Config) (*Store, error) {
	cc, err := clientConfig(cfg)
	if err != nil {
		return nil, err
	}
	host, port := cc.Host, cc.Port
	name := cfg.Collection
	if name == "" {
		name = DefaultCollection
	}
	client, err := qdrant.NewClient(cc)
	if err != nil {
		return nil, fmt.Errorf("qdrant: connect to %s:%d: %w", host, port, err)
	}
	s := &Store{client: client, collection: name, exact: cfg.Exact}
	if err := s.checkServer(ctx, host, port); err != nil {
		client.Close()
		return nil, err
	}
	if err := s.ensureCollection(ctx); err != nil {
		client.Close()
		return nil, err
	}
	return s, nil
}

// Upsert adds points or replaces those with the same ID. The points are
// searchable when it returns. IDs must be UUIDs (vector.PointID makes them).
func (s *Store) Upsert(ctx context.Context, points []vector.Point) error {
	for i := 0; i < len(points); i += upsertBatch {
		chunk := points[i:min(i+upsertBatch, len(points))]
		structs := make([]*qdrant.PointStruct, len(chunk))
		for j, p := range chunk {
			structs[j] = &qdrant.PointStruct{
				Id:      qdrant.NewID(p.ID),
				Vectors: qdrant.NewVectorsDense(p.Vector[:]),
				Payload: encodePayload(p.Payload),
			}
		}
		_, err := s.client.Upsert(ctx, &qdrant.UpsertPoints{
			CollectionName: s.collection,
			Wait:           qdrant.PtrOf(true),
			Points:         structs,
		})
		if err != nil {
			return fmt.Errorf("qdrant: upsert: %w", err)
		}
	}
	return nil
}

// Count is the exact number of points in the collection.
func (s *Store) Count(ctx context.Context) (int, error) {
	n, err := s.client.Count(ctx, &qdrant.CountPoints{CollectionName: s.collection, Exact: qdrant.PtrOf(true)})
	if err != nil {
		return 0, fmt.Errorf("qdrant: count: %w", err)
	}
	return int(n), nil
}

// CountIndividuals is the number of distinct values of the individual
// field, by an exact facet count over the keyword index.
func (s *Store) CountIndividuals(ctx context.Context) (int, error) {
	n, err := s.Count(ctx)
	if err != nil || n == 0 {
		return 0, err
	}
	hits, err := s.client.Facet(ctx, &qdrant.FacetCounts{CollectionName: s.collection, Key: fieldIndividual,
		Limit: qdrant.PtrOf(uint64(n + 1)), Exact: qdrant.PtrOf(true)})
	if err != nil {
		return 0, fmt.Errorf("qdrant: count individuals: %w", err)
	}
	return len(hits), nil
}

// Close closes the connections. The data stays in Qdrant.
func (s *Store) Close() error {
	if err := s.client.Close(); err != nil {
		return fmt.Errorf("qdrant: close: %w", err)
	}
	return nil
}

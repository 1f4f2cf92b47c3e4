// Package standin is a stand-in for Qdrant: not Qdrant. It serves, in
// process and in memory, exactly the part of Qdrant's gRPC API that package
// qdrant uses (collections: create, get, list, exists, delete; points:
// upsert, count, facet, create field index, query groups, scroll; and the
// health check), so that the Store's code runs over real gRPC in tests where
// no Qdrant runs.
//
// It is honest rather than fast: search is an exact brute-force scan,
// filters are evaluated as Qdrant defines them, and any request, option or
// condition it does not implement is answered with codes.Unimplemented
// instead of being ignored. A missing collection is codes.NotFound. Passing
// against it shows the Store speaks the protocol as the stand-in
// understands it; only a real Qdrant (QDRANT_ADDR) shows the rest.
package standin

import (
	"context"
	"crypto/subtle"
	"crypto/tls"
	"fmt"
	"net"
	"sync"

	"github.com/qdrant/go-client/qdrant"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
)

// Version is the Qdrant version whose API the stand-in mirrors (that of the
// go-client it was written against); the health check reports it.
const Version = "1.17.1"

// Server holds the collections. Register it on a gRPC server, or use Start.
type Server struct {
	mu          sync.RWMutex
	collections map[string]*collection
	ops         uint64 // operation counter, for UpdateResult and versions
}

// collection is one collection with unnamed dense vectors.
type collection struct {
	size     uint64
	distance qdrant.Distance
	schema   map[string]qdrant.PayloadSchemaType // payload indexes
	points   map[string]*point                   // by idKey
}

// point is never modified once stored: an upsert stores a new one, so
// responses may share its fields while gRPC marshals them.
type point struct {
	id      *qdrant.PointId
	vector  []float32
	payload map[string]*qdrant.Value
	version uint64
}

// New returns an empty server.
func New() *Server { return &Server{collections: map[string]*collection{}} }

// Register registers the Qdrant, Collections and Points services.
func (s *Server) Register(r grpc.ServiceRegistrar) {
	qdrant.RegisterQdrantServer(r, health{})
	qdrant.RegisterCollectionsServer(r, &collections{s: s})
	qdrant.RegisterPointsServer(r, &points{s: s})
}

// Options of StartWith.
type Options struct {
	// TLS serves over TLS with this configuration (its certificates).
	TLS *tls.Config
	// APIKey, when set, must be in every request's "api-key" metadata, as
	// Qdrant requires its service.api_key; like Qdrant, the health check
	// needs none. A request without it, or with another, is answered
	// codes.Unauthenticated.
	APIKey string
}

// Start serves a new, empty stand-in on a free port of 127.0.0.1, in plain
// text and without an API key. stop stops it and waits for it.
func Start() (addr string, stop func(), err error) { return StartWith(Options{}) }

// StartWith serves a new, empty stand-in on a free port of 127.0.0.1 with
// the options.
func StartWith(o Options) (addr string, stop func(), err error) {
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, fmt.Errorf("qdrant stand-in: listen: %w", err)
	}
	var opts []grpc.ServerOption
	if o.TLS != nil {
		opts = append(opts, grpc.Creds(credentials.NewTLS(o.TLS)))
	}
	if o.APIKey != "" {
		opts = append(opts, grpc.UnaryInterceptor(requireKey(o.APIKey)))
	}
	srv := grpc.NewServer(opts...)
	New().Register(srv)
	done := make(chan struct{})
	go func() {
		defer close(done)
		srv.Serve(lis) // returns when stopped
	}()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			srv.GracefulStop()
			<-done
		})
	}
	return lis.Addr().String(), stop, nil
}

// requireKey refuses every call but the health check without the key.
func requireKey(key string) grpc.UnaryServerInterceptor {
	return func(ctx context.Context, req any, info *grpc.UnaryServerInfo, next grpc.UnaryHandler) (any, error) {
		if info.FullMethod == "/qdrant.Qdrant/HealthCheck" {
			return next(ctx, req)
		}
		md, _ := metadata.FromIncomingContext(ctx)
		got := md.Get("api-key")
		if len(got) != 1 || subtle.ConstantTimeCompare([]byte(got[0]), []byte(key)) != 1 {
			return nil, status.Error(codes.Unauthenticated, "Must provide an API key or an Authorization bearer token")
		}
		return next(ctx, req)
	}
}

// collection returns the named collection; the caller holds s.mu.
func (s *Server) collection(name string) (*collection, error) {
	c, ok := s.collections[name]
	if !ok {
		return nil, status.Errorf(codes.NotFound, "Not found: Collection `%s` doesn't exist!", name)
	}
	return c, nil
}

// unsupported is the answer to what the stand-in does not implement.
func unsupported(format string, args ...any) error {
	return status.Errorf(codes.Unimplemented, "qdrant stand-in: "+format+" is not supported", args...)
}

func invalid(format string, args ...any) error {
	return status.Errorf(codes.InvalidArgument, "Wrong input: "+format, args...)
}

type health struct {
	qdrant.UnimplementedQdrantServer
}

// HealthCheck says what this is.
func (health) HealthCheck(context.Context, *qdrant.HealthCheckRequest) (*qdrant.HealthCheckReply, error) {
	return &qdrant.HealthCheckReply{Title: "qdrant stand-in (not Qdrant)", Version: Version}, nil
}

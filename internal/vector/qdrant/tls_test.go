package qdrant

import (
	"crypto/tls"
	"testing"

	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"

	"github.com/facetriage/facetriage/internal/tlstest"
	"github.com/facetriage/facetriage/internal/vector"
	"github.com/facetriage/facetriage/internal/vector/qdrant/standin"
	"github.com/facetriage/facetriage/internal/vector/vectortest"
)

// TestSuiteOverTLSWithAPIKey serves the stand-in over TLS, with a
// certificate made here, requiring an API key as Qdrant's service.api_key
// does. Calls without the key, with another key, in plain text, or
// trusting only the system's CAs are refused; with the key and the CA the
// shared suite passes, with exact search on.
func TestSuiteOverTLSWithAPIKey(t *testing.T) {
	cert := tlstest.New(t, "127.0.0.1", "localhost")
	const key = "test-api-key-7d2f0c"
	addr, stop, err := standin.StartWith(standin.Options{
		TLS:    &tls.Config{Certificates: []tls.Certificate{cert.Pair}, MinVersion: tls.VersionTLS12},
		APIKey: key,
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	say(t, "vector store suite over TLS with an API key: running against the in-process Qdrant stand-in (not Qdrant)")
	base := Config{Addr: addr, TLSCA: cert.CAFile, APIKey: key, Exact: true}

	for name, cfg := range map[string]Config{
		"without the key":  {Addr: addr, TLSCA: cert.CAFile},
		"with another key": {Addr: addr, TLSCA: cert.CAFile, APIKey: key + "x"},
		"in plain text":    {Addr: addr, APIKey: key},
		"without the CA":   {Addr: addr, UseTLS: true, APIKey: key},
	} {
		cfg.Collection = collectionName(t)
		s, err := Open(ctx, cfg)
		if err == nil {
			s.Close()
			t.Fatalf("%s: Open succeeded", name)
		}
		if name == "without the key" || name == "with another key" {
			if status.Code(unwrapStatus(err)) != codes.Unauthenticated {
				t.Errorf("%s: %v, want Unauthenticated", name, err)
			}
		}
		t.Logf("%s: refused: %v", name, err)
	}

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

// unwrapStatus finds the gRPC status error inside a wrapped error.
func unwrapStatus(err error) error {
	for e := err; e != nil; {
		if _, ok := status.FromError(e); ok {
			return e
		}
		u, ok := e.(interface{ Unwrap() error })
		if !ok {
			return err
		}
		e = u.Unwrap()
	}
	return err
}

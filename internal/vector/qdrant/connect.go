package qdrant

import (
	"context"
	"errors"
	"fmt"
	"net"
	"strconv"

	"github.com/qdrant/go-client/qdrant"
)

// checkServer asks the server for its version: Qdrant 1.x is required
// (QueryGroups, which the Store uses, came in 1.10).
func (s *Store) checkServer(ctx context.Context, host string, port int) error {
	reply, err := s.client.HealthCheck(ctx)
	if err != nil {
		return fmt.Errorf("qdrant: health check at %s:%d: %w", host, port, err)
	}
	s.version = reply.GetVersion()
	v, err := qdrant.ParseVersion(s.version)
	if err != nil {
		return fmt.Errorf("qdrant: server at %s:%d: %w", host, port, err)
	}
	if v.Major != 1 || v.Minor < 10 {
		return fmt.Errorf("qdrant: server at %s:%d is version %s, want 1.10 or later 1.x", host, port, s.version)
	}
	return nil
}

// ServerVersion is the version the server reported when the Store opened.
func (s *Store) ServerVersion() string { return s.version }

// splitAddr parses "host:port" or "host".
func splitAddr(addr string) (string, int, error) {
	if addr == "" {
		return DefaultHost, DefaultPort, nil
	}
	host, p, err := net.SplitHostPort(addr)
	if err != nil {
		var ae *net.AddrError
		if !errors.As(err, &ae) || ae.Err != "missing port in address" {
			return "", 0, fmt.Errorf("qdrant: address %q: %w", addr, err)
		}
		host, p = addr, strconv.Itoa(DefaultPort)
		if len(host) > 1 && host[0] == '[' && host[len(host)-1] == ']' {
			host = host[1 : len(host)-1]
		}
	}
	port, err := strconv.Atoi(p)
	if err != nil || port <= 0 || port > 65535 {
		return "", 0, fmt.Errorf("qdrant: address %q: bad port %q", addr, p)
	}
	if host == "" {
		host = DefaultHost
	}
	return host, port, nil
}

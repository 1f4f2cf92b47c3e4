package cases

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/base32"
	"encoding/json"
	"errors"
	"fmt"
	"sort"
	"strings"

	"github.com/facetriage/facetriage/internal/bus"
	"github.com/nats-io/nats.go/jetstream"
)

// Buckets of casework.
const (
	BucketCases = "ft_cases"
	ObjectRefs  = "ft_refs" // the families' reference photos
)

// store keeps cases in a key-value bucket, with optimistic concurrency.
type store struct {
	kv   jetstream.KeyValue
	refs jetstream.ObjectStore
}

func openStore(ctx context.Context, js jetstream.JetStream, replicas int) (*store, error) {
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: BucketCases, History: 5,
		Storage: jetstream.FileStorage, Replicas: max(1, replicas)})
	if err != nil {
		return nil, fmt.Errorf("cases: bucket: %w", err)
	}
	refs, err := js.CreateOrUpdateObjectStore(ctx, jetstream.ObjectStoreConfig{Bucket: ObjectRefs,
		Storage: jetstream.FileStorage, Replicas: max(1, replicas)})
	if err != nil {
		return nil, fmt.Errorf("cases: reference store: %w", err)
	}
	return &store{kv: kv, refs: refs}, nil
}

func newID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return "C" + strings.ToUpper(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(b))[:12]
}

func (s *store) get(ctx context.Context, id string) (Case, uint64, error) {
	var c Case
	if !validID(id) {
		return c, 0, fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	e, err := s.kv.Get(ctx, id)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return c, 0, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	if err != nil {
		return c, 0, fmt.Errorf("cases: %w", err)
	}
	return c, e.Revision(), json.Unmarshal(e.Value(), &c)
}

func validID(id string) bool {
	if len(id) != 13 || id[0] != 'C' {
		return false
	}
	for _, r := range id[1:] {
		if !(r >= 'A' && r <= 'Z' || r >= '2' && r <= '7') {
			return false
		}
	}
	return true
}

func (s *store) create(ctx context.Context, c Case) error {
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	if _, err := s.kv.Create(ctx, c.ID, b); err != nil {
		return fmt.Errorf("cases: %w", err)
	}
	return nil
}

// put saves a case read at revision rev; ErrConflict if it changed since.
func (s *store) put(ctx context.Context, c Case, rev uint64) error {
	b, err := json.Marshal(c)
	if err != nil {
		return err
	}
	if _, err := s.kv.Update(ctx, c.ID, b, rev); err != nil {
		if bus.IsConflict(err) {
			return fmt.Errorf("%w: %s", ErrConflict, c.ID)
		}
		return fmt.Errorf("cases: %w", err)
	}
	return nil
}

func (s *store) list(ctx context.Context) ([]Case, error) {
	keys, err := s.kv.ListKeys(ctx)
	if err != nil {
		return nil, fmt.Errorf("cases: %w", err)
	}
	var out []Case
	for k := range keys.Keys() {
		c, _, err := s.get(ctx, k)
		if err != nil {
			if errors.Is(err, ErrNotFound) {
				continue
			}
			return nil, err
		}
		out = append(out, c)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Created.After(out[j].Created) })
	return out, nil
}

func (s *store) putRef(ctx context.Context, caseID, sha string, data []byte) error {
	if _, err := s.refs.Put(ctx, jetstream.ObjectMeta{Name: caseID + "/" + sha}, bytes.NewReader(data)); err != nil {
		return fmt.Errorf("cases: reference photo: %w", err)
	}
	return nil
}

func (s *store) ref(ctx context.Context, caseID, sha string) ([]byte, error) {
	b, err := s.refs.GetBytes(ctx, caseID+"/"+sha)
	if errors.Is(err, jetstream.ErrObjectNotFound) {
		return nil, fmt.Errorf("%w: reference %s", ErrNotFound, sha)
	}
	return b, err
}

func (s *store) deleteRef(ctx context.Context, caseID, sha string) error {
	if err := s.refs.Delete(ctx, caseID+"/"+sha); err != nil && !errors.Is(err, jetstream.ErrObjectNotFound) {
		return fmt.Errorf("cases: deleting reference photo: %w", err)
	}
	return nil
}

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
	"github.com/facetriage/facetriage/internal/face"
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

// record is a case as stored: the case, and its reference faces'
// descriptors by reference, which a Case's JSON never carries.
type record struct {
	Case
	Descriptors map[string]face.Descriptor `json:"descriptors,omitempty"`
}

// encode is a case's stored form.
func encode(c Case) ([]byte, error) {
	r := record{Case: c}
	for _, ref := range c.References {
		if r.Descriptors == nil {
			r.Descriptors = map[string]face.Descriptor{}
		}
		r.Descriptors[ref.ID] = ref.Descriptor
	}
	b, err := json.Marshal(r)
	if err != nil {
		return nil, fmt.Errorf("cases: encoding %s: %w", c.ID, err)
	}
	return b, nil
}

// decode reads a stored case. A case stored before the descriptors were
// kept beside it has each in its reference ("descriptor").
func decode(data []byte) (Case, error) {
	var r record
	if err := json.Unmarshal(data, &r); err != nil {
		return Case{}, fmt.Errorf("cases: decoding a case: %w", err)
	}
	if r.Descriptors == nil && len(r.References) > 0 {
		var old struct {
			References []struct {
				Descriptor face.Descriptor `json:"descriptor"`
			} `json:"references"`
		}
		if err := json.Unmarshal(data, &old); err != nil {
			return Case{}, fmt.Errorf("cases: decoding a case's descriptors: %w", err)
		}
		for i := range r.References {
			r.References[i].Descriptor = old.References[i].Descriptor
		}
		return r.Case, nil
	}
	for i, ref := range r.References {
		r.References[i].Descriptor = r.Descriptors[ref.ID]
	}
	return r.Case, nil
}

func (s *store) get(ctx context.Context, id string) (Case, uint64, error) {
	if !validID(id) {
		return Case{}, 0, fmt.Errorf("%w: %q", ErrNotFound, id)
	}
	e, err := s.kv.Get(ctx, id)
	if errors.Is(err, jetstream.ErrKeyNotFound) {
		return Case{}, 0, fmt.Errorf("%w: %s", ErrNotFound, id)
	}
	if err != nil {
		return Case{}, 0, fmt.Errorf("cases: %w", err)
	}
	c, err := decode(e.Value())
	return c, e.Revision(), err
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
	b, err := encode(c)
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
	b, err := encode(c)
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

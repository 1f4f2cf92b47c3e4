package cases

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"

	"github.com/facetriage/facetriage/internal/face"
)

// A case is stored with its references' descriptors beside it, and reads
// back whole; its own JSON carries none.
func TestStoredDescriptors(t *testing.T) {
	var d face.Descriptor
	for i := range d {
		d[i] = float32(i) / 1000
	}
	c := Case{ID: "CAAAAAAAAAAAA", Name: "x", References: []Reference{{ID: "r1", Descriptor: d}, {ID: "r2"}}}
	b, err := encode(c)
	if err != nil {
		t.Fatal(err)
	}
	got, err := decode(b)
	if err != nil {
		t.Fatal(err)
	}
	if got.References[0].Descriptor != d || got.References[1].Descriptor != (face.Descriptor{}) {
		t.Fatalf("descriptors read back: %v…, %v…", got.References[0].Descriptor[:3], got.References[1].Descriptor[:3])
	}
	pub, _ := json.Marshal(got)
	if strings.Contains(string(pub), "descriptor") {
		t.Fatalf("a case's JSON carries a descriptor: %s", pub)
	}
}

// A case stored before (each descriptor in its reference, the filter's
// fields named as in Go) reads with its descriptors and its filter.
func TestLegacyCaseRecord(t *testing.T) {
	nums := make([]string, face.Dim)
	for i := range nums {
		nums[i] = fmt.Sprint(float32(i) / 1000)
	}
	legacy := `{"id":"CAAAAAAAAAAAA","name":"x","status":"open","owner":"amal",
		"filter":{"Sources":["caesar"],"Branches":null,"From":"2013-01-01T00:00:00Z","To":"0001-01-01T00:00:00Z","ExcludeIndividuals":["caesar/215/7003"]},
		"references":[{"id":"r1","faces":[[1,2,3,4]],"face":0,"descriptor":[` + strings.Join(nums, ",") + `],"added":"2025-01-01T00:00:00Z","added_by":"amal"}],
		"candidates":null,"created":"2025-01-01T00:00:00Z","updated":"2025-01-01T00:00:00Z","archive":{"faces":0,"individuals":0}}`
	c, err := decode([]byte(legacy))
	if err != nil {
		t.Fatal(err)
	}
	if c.References[0].Descriptor[5] != 0.005 || c.References[0].Descriptor[127] != 0.127 {
		t.Fatalf("the legacy descriptor: %v…", c.References[0].Descriptor[:6])
	}
	f := c.Filter
	if len(f.Sources) != 1 || f.Sources[0] != "caesar" || f.From.Year() != 2013 || !f.To.IsZero() ||
		len(f.ExcludeIndividuals) != 1 || f.ExcludeIndividuals[0] != "caesar/215/7003" {
		t.Fatalf("the legacy filter: %+v", f)
	}
	// Written again, it takes today's form.
	b, err := encode(c)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"descriptors":{"r1":[`, `"filter":{"sources":["caesar"],"from":"2013-01-01T00:00:00Z","exclude_individuals":["caesar/215/7003"]}`} {
		if !strings.Contains(string(b), want) {
			t.Errorf("rewritten without %s: %s", want, b)
		}
	}
	if strings.Contains(string(b), `"descriptor":`) {
		t.Errorf("rewritten with a descriptor in a reference: %s", b)
	}
}

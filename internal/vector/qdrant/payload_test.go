package qdrant

import (
	"testing"
	"time"

	"github.com/qdrant/go-client/qdrant"

	"github.com/facetriage/facetriage/internal/vector"
)

func TestPayloadRoundTrip(t *testing.T) {
	for _, p := range []vector.Payload{
		{Photo: "ab", Face: 2, Individual: "caesar/215/1001", Source: "caesar", Branch: "215", Number: "1001",
			Date: time.Date(2013, 5, 1, 0, 0, 0, 0, time.UTC), Model: "dlib"},
		{Photo: "cd", Individual: "face:cd:0"}, // no date, empty strings
	} {
		m := encodePayload(p)
		if _, ok := m[fieldDate]; ok == p.Date.IsZero() {
			t.Errorf("%s: date present = %v, want %v", p.Photo, ok, !p.Date.IsZero())
		}
		got, err := decodePayload(m)
		if err != nil {
			t.Fatal(err)
		}
		if got != p {
			t.Errorf("round trip: %+v, want %+v", got, p)
		}
	}
	if _, err := decodePayload(map[string]*qdrant.Value{fieldFace: qdrant.NewValueString("1")}); err == nil {
		t.Error("a string face index decoded")
	}
}

// Bounds are whole seconds: From rounds up, To down, so that the integer
// range keeps exactly the stored dates inside [From, To].
func TestFilterDateBounds(t *testing.T) {
	from := time.Unix(100, 500)
	to := time.Unix(200, 999)
	r := buildFilter(vector.Filter{From: from, To: to}).GetMust()[0].GetField().GetRange()
	if r.GetGte() != 101 || r.GetLte() != 200 || r.Gt != nil || r.Lt != nil {
		t.Errorf("range %v, want gte 101, lte 200", r)
	}
	if buildFilter(vector.Filter{}) != nil {
		t.Error("an empty filter restricts")
	}
}

package standin

import (
	"context"
	"net"
	"strconv"
	"testing"

	"github.com/qdrant/go-client/qdrant"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

var ctx = context.Background()

// client starts a stand-in with a 2-d euclidean collection "c".
func client(t *testing.T) *qdrant.Client {
	t.Helper()
	addr, stop, err := Start()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	host, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	c, err := qdrant.NewClient(&qdrant.Config{Host: host, Port: p, SkipCompatibilityCheck: true})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	err = c.CreateCollection(ctx, &qdrant.CreateCollection{CollectionName: "c",
		VectorsConfig: qdrant.NewVectorsConfig(&qdrant.VectorParams{Size: 2, Distance: qdrant.Distance_Euclid})})
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func wantCode(t *testing.T, what string, err error, want codes.Code) {
	t.Helper()
	if got := status.Code(err); got != want {
		t.Errorf("%s: got %v (%v), want %v", what, got, err, want)
	}
}

func upsert(t *testing.T, c *qdrant.Client, id int, x float32, payload map[string]any) {
	t.Helper()
	_, err := c.Upsert(ctx, &qdrant.UpsertPoints{CollectionName: "c", Wait: qdrant.PtrOf(true),
		Points: []*qdrant.PointStruct{{Id: qdrant.NewIDNum(uint64(id)), Vectors: qdrant.NewVectors(x, 0),
			Payload: qdrant.NewValueMap(payload)}}})
	if err != nil {
		t.Fatal(err)
	}
}

func TestHealthCheckSaysItIsNotQdrant(t *testing.T) {
	reply, err := client(t).HealthCheck(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if reply.GetTitle() != "qdrant stand-in (not Qdrant)" {
		t.Errorf("title %q", reply.GetTitle())
	}
}

func TestUnsupportedIsUnimplemented(t *testing.T) {
	c := client(t)
	q := func(mod func(*qdrant.QueryPointGroups)) error {
		req := &qdrant.QueryPointGroups{CollectionName: "c", Query: qdrant.NewQuery(0, 0), GroupBy: "g"}
		mod(req)
		_, err := c.QueryGroups(ctx, req)
		return err
	}
	_, err := c.Scroll(ctx, &qdrant.ScrollPoints{CollectionName: "c"})
	wantCode(t, "scroll", err, codes.Unimplemented)
	wantCode(t, "score threshold", q(func(r *qdrant.QueryPointGroups) { r.ScoreThreshold = qdrant.PtrOf(float32(1)) }),
		codes.Unimplemented)
	wantCode(t, "query by id", q(func(r *qdrant.QueryPointGroups) { r.Query = qdrant.NewQueryID(qdrant.NewIDNum(1)) }),
		codes.Unimplemented)
	wantCode(t, "should", q(func(r *qdrant.QueryPointGroups) {
		r.Filter = &qdrant.Filter{Should: []*qdrant.Condition{qdrant.NewMatch("g", "a")}}
	}), codes.Unimplemented)
	wantCode(t, "match text", q(func(r *qdrant.QueryPointGroups) {
		r.Filter = &qdrant.Filter{Must: []*qdrant.Condition{qdrant.NewMatchText("g", "a")}}
	}), codes.Unimplemented)
	wantCode(t, "payload include", q(func(r *qdrant.QueryPointGroups) { r.WithPayload = qdrant.NewWithPayloadInclude("g") }),
		codes.Unimplemented)
	_, err = c.Count(ctx, &qdrant.CountPoints{CollectionName: "c",
		Filter: &qdrant.Filter{Must: []*qdrant.Condition{qdrant.NewIsEmpty("g")}}})
	wantCode(t, "is_empty", err, codes.Unimplemented)
	err = c.CreateCollection(ctx, &qdrant.CreateCollection{CollectionName: "named",
		VectorsConfig: qdrant.NewVectorsConfigMap(map[string]*qdrant.VectorParams{"v": {Size: 2, Distance: qdrant.Distance_Euclid}})})
	wantCode(t, "named vectors", err, codes.Unimplemented)
}

func TestErrors(t *testing.T) {
	c := client(t)
	_, err := c.Count(ctx, &qdrant.CountPoints{CollectionName: "missing"})
	wantCode(t, "missing collection", err, codes.NotFound)
	_, err = c.Upsert(ctx, &qdrant.UpsertPoints{CollectionName: "c",
		Points: []*qdrant.PointStruct{{Id: qdrant.NewIDNum(1), Vectors: qdrant.NewVectors(1, 2, 3)}}})
	wantCode(t, "3-d vector in a 2-d collection", err, codes.InvalidArgument)
	_, err = c.Upsert(ctx, &qdrant.UpsertPoints{CollectionName: "c",
		Points: []*qdrant.PointStruct{{Id: qdrant.NewID("not-a-uuid"), Vectors: qdrant.NewVectors(1, 2)}}})
	wantCode(t, "bad uuid", err, codes.InvalidArgument)
	_, err = c.QueryGroups(ctx, &qdrant.QueryPointGroups{CollectionName: "c", Query: qdrant.NewQuery(1), GroupBy: "g"})
	wantCode(t, "1-d query", err, codes.InvalidArgument)
	if n, _ := c.Count(ctx, &qdrant.CountPoints{CollectionName: "c"}); n != 0 {
		t.Errorf("%d points after failed upserts", n)
	}
}

// Groups: nearest first, group_size points each, points without the field
// in none, an array value in each of its groups; filters as in Qdrant.
func TestQueryGroups(t *testing.T) {
	c := client(t)
	upsert(t, c, 1, 1, map[string]any{"g": "a", "d": 10})
	upsert(t, c, 2, 2, map[string]any{"g": "a", "d": 20})
	upsert(t, c, 3, 3, map[string]any{"g": "a"})
	upsert(t, c, 4, 4, map[string]any{"g": []any{"b", "c"}, "d": 30})
	upsert(t, c, 5, 0.5, map[string]any{"d": 5}) // no group
	query := func(limit, size uint64, f *qdrant.Filter) []*qdrant.PointGroup {
		t.Helper()
		groups, err := c.QueryGroups(ctx, &qdrant.QueryPointGroups{CollectionName: "c", Query: qdrant.NewQuery(0, 0),
			GroupBy: "g", Limit: &limit, GroupSize: &size, Filter: f, WithPayload: qdrant.NewWithPayload(true)})
		if err != nil {
			t.Fatal(err)
		}
		return groups
	}
	describe := func(groups []*qdrant.PointGroup) string {
		s := ""
		for _, g := range groups {
			s += g.GetId().GetStringValue() + ":"
			for _, h := range g.GetHits() {
				s += strconv.Itoa(int(h.GetId().GetNum()))
			}
			s += " "
		}
		return s
	}
	for _, tc := range []struct {
		name        string
		limit, size uint64
		filter      *qdrant.Filter
		want        string
	}{
		{"all", 10, 2, nil, "a:12 b:4 c:4 "},
		{"limit", 2, 1, nil, "a:1 b:4 "},
		{"range excludes a missing field", 10, 3, &qdrant.Filter{Must: []*qdrant.Condition{
			qdrant.NewRange("d", &qdrant.Range{Gte: qdrant.PtrOf(15.0)})}}, "a:2 b:4 c:4 "},
		{"must not", 10, 3, &qdrant.Filter{MustNot: []*qdrant.Condition{qdrant.NewMatchKeywords("g", "a", "x")}}, "b:4 c:4 "},
		{"keyword in an array", 10, 3, &qdrant.Filter{Must: []*qdrant.Condition{qdrant.NewMatch("g", "c")}}, "b:4 c:4 "},
	} {
		if got := describe(query(tc.limit, tc.size, tc.filter)); got != tc.want {
			t.Errorf("%s: %q, want %q", tc.name, got, tc.want)
		}
	}
	g := query(1, 1, nil)[0].GetHits()[0]
	if g.GetScore() != 1 || g.GetPayload()["g"].GetStringValue() != "a" || g.GetVectors() != nil {
		t.Errorf("hit %v: want score 1, the payload, no vector", g)
	}
}

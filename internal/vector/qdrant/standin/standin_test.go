package standin

import (
	"context"
	"net"
	"strconv"
	"strings"
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
	// An RPC the stand-in does not serve at all.
	_, err := c.Get(ctx, &qdrant.GetPoints{CollectionName: "c", Ids: []*qdrant.PointId{qdrant.NewIDNum(1)}})
	wantCode(t, "get points", err, codes.Unimplemented)
	_, err = c.Scroll(ctx, &qdrant.ScrollPoints{CollectionName: "c", OrderBy: &qdrant.OrderBy{Key: "g"}})
	wantCode(t, "scroll with order_by", err, codes.Unimplemented)
	_, err = c.Scroll(ctx, &qdrant.ScrollPoints{CollectionName: "c",
		Filter: &qdrant.Filter{Should: []*qdrant.Condition{qdrant.NewMatch("g", "a")}}})
	wantCode(t, "scroll with a should filter", err, codes.Unimplemented)
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
	_, err = c.Scroll(ctx, &qdrant.ScrollPoints{CollectionName: "missing"})
	wantCode(t, "scroll a missing collection", err, codes.NotFound)
	_, err = c.Scroll(ctx, &qdrant.ScrollPoints{CollectionName: "c", Limit: qdrant.PtrOf(uint32(0))})
	wantCode(t, "scroll with limit 0", err, codes.InvalidArgument)
	_, err = c.Scroll(ctx, &qdrant.ScrollPoints{CollectionName: "c", Offset: qdrant.NewID("not-a-uuid")})
	wantCode(t, "scroll from a bad uuid", err, codes.InvalidArgument)
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

// Scroll: every point once, in Qdrant's order of IDs (numbers by value,
// then UUIDs by value), pages of limit points (10 by default) linked by
// next_page_offset, an inclusive offset that need not be a point's ID, the
// filter applied, the payload by default and the vector when asked for.
func TestScroll(t *testing.T) {
	c := client(t)
	for _, id := range []int{12, 2, 10, 1, 3, 4, 5, 6, 7, 8, 9, 11} {
		g := "a"
		if id%3 == 0 {
			g = "b"
		}
		upsert(t, c, id, float32(id), map[string]any{"g": g})
	}
	for i, id := range []string{"FFFFFFFF-0000-4000-8000-000000000000", "10000000-0000-4000-8000-000000000000",
		"0000000a-0000-4000-8000-000000000000", "00000009-0000-4000-8000-000000000000"} {
		_, err := c.Upsert(ctx, &qdrant.UpsertPoints{CollectionName: "c", Wait: qdrant.PtrOf(true),
			Points: []*qdrant.PointStruct{{Id: qdrant.NewID(id), Vectors: qdrant.NewVectors(float32(100+i), 0),
				Payload: qdrant.NewValueMap(map[string]any{"g": "u"})}}})
		if err != nil {
			t.Fatal(err)
		}
	}
	const all = "1 2 3 4 5 6 7 8 9 10 11 12 00000009-0000-4000-8000-000000000000 0000000a-0000-4000-8000-000000000000 " +
		"10000000-0000-4000-8000-000000000000 ffffffff-0000-4000-8000-000000000000"
	name := func(id *qdrant.PointId) string {
		if id == nil {
			return "end"
		}
		if u := id.GetUuid(); u != "" {
			return u
		}
		return strconv.FormatUint(id.GetNum(), 10)
	}
	// scroll returns the points, their IDs, and the next page's offset.
	scroll := func(req *qdrant.ScrollPoints) ([]*qdrant.RetrievedPoint, string, *qdrant.PointId) {
		t.Helper()
		req.CollectionName = "c"
		pts, next, err := c.ScrollAndOffset(ctx, req)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, p := range pts {
			ids = append(ids, name(p.GetId()))
		}
		return pts, strings.Join(ids, " "), next
	}

	if _, ids, next := scroll(&qdrant.ScrollPoints{}); ids != "1 2 3 4 5 6 7 8 9 10" || name(next) != "11" {
		t.Errorf("default page: %q, next %s; want the first 10, next 11", ids, name(next))
	}
	if _, ids, next := scroll(&qdrant.ScrollPoints{Limit: qdrant.PtrOf(uint32(100))}); ids != all || next != nil {
		t.Errorf("one page of all: %q, next %s; want %q, no next", ids, name(next), all)
	}
	// Paging with next_page_offset visits every point once, in order.
	var pages []string
	var offset *qdrant.PointId
	for range 10 {
		_, ids, next := scroll(&qdrant.ScrollPoints{Offset: offset, Limit: qdrant.PtrOf(uint32(5))})
		pages = append(pages, ids)
		if next == nil {
			break
		}
		offset = next
	}
	if got := strings.Join(pages, " "); got != all || len(pages) != 4 {
		t.Errorf("paged by 5: %d pages %q, want 4 pages %q", len(pages), got, all)
	}
	for _, tc := range []struct {
		name      string
		req       *qdrant.ScrollPoints
		ids, next string
	}{
		{"offset is inclusive", &qdrant.ScrollPoints{Offset: qdrant.NewIDNum(5), Limit: qdrant.PtrOf(uint32(2))}, "5 6", "7"},
		{"offset between uuids", &qdrant.ScrollPoints{Offset: qdrant.NewID("0000000A-0000-4000-8000-000000000001"),
			Limit: qdrant.PtrOf(uint32(1))}, "10000000-0000-4000-8000-000000000000", "ffffffff-0000-4000-8000-000000000000"},
		{"offset past the end", &qdrant.ScrollPoints{Offset: qdrant.NewID("ffffffff-ffff-4fff-bfff-ffffffffffff")}, "", "end"},
		{"filter", &qdrant.ScrollPoints{Filter: &qdrant.Filter{Must: []*qdrant.Condition{qdrant.NewMatch("g", "b")}},
			Limit: qdrant.PtrOf(uint32(3))}, "3 6 9", "12"},
		{"filter from an offset", &qdrant.ScrollPoints{Filter: &qdrant.Filter{MustNot: []*qdrant.Condition{
			qdrant.NewMatchKeywords("g", "a", "u")}}, Offset: qdrant.NewIDNum(7)}, "9 12", "end"},
	} {
		if _, ids, next := scroll(tc.req); ids != tc.ids || name(next) != tc.next {
			t.Errorf("%s: %q, next %s; want %q, next %s", tc.name, ids, name(next), tc.ids, tc.next)
		}
	}

	// Selectors: the payload unless refused, the vector only when asked.
	one := func(req *qdrant.ScrollPoints) *qdrant.RetrievedPoint {
		t.Helper()
		req.Offset, req.Limit = qdrant.NewIDNum(4), qdrant.PtrOf(uint32(1))
		pts, _, _ := scroll(req)
		if len(pts) != 1 || pts[0].GetId().GetNum() != 4 {
			t.Fatalf("want point 4, got %v", pts)
		}
		return pts[0]
	}
	if p := one(&qdrant.ScrollPoints{}); p.GetPayload()["g"].GetStringValue() != "a" || p.GetVectors() != nil {
		t.Errorf("by default: %v; want the payload and no vector", p)
	}
	p := one(&qdrant.ScrollPoints{WithPayload: qdrant.NewWithPayload(false), WithVectors: qdrant.NewWithVectors(true)})
	if v := p.GetVectors().GetVector().GetDense().GetData(); len(p.GetPayload()) != 0 || len(v) != 2 || v[0] != 4 || v[1] != 0 {
		t.Errorf("without payload, with vectors: %v; want the vector (4, 0) and no payload", p)
	}
	_, err := c.Scroll(ctx, &qdrant.ScrollPoints{CollectionName: "c", WithPayload: qdrant.NewWithPayloadInclude("g")})
	wantCode(t, "scroll with a payload include", err, codes.Unimplemented)
}

// The API key is required on Scroll as on every call but the health check.
func TestScrollRequiresTheAPIKey(t *testing.T) {
	const key = "scroll-key"
	addr, stop, err := StartWith(Options{APIKey: key})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(stop)
	host, port, _ := net.SplitHostPort(addr)
	p, _ := strconv.Atoi(port)
	connect := func(apiKey string) *qdrant.Client {
		c, err := qdrant.NewClient(&qdrant.Config{Host: host, Port: p, APIKey: apiKey, SkipCompatibilityCheck: true})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { c.Close() })
		return c
	}
	good := connect(key)
	err = good.CreateCollection(ctx, &qdrant.CreateCollection{CollectionName: "c",
		VectorsConfig: qdrant.NewVectorsConfig(&qdrant.VectorParams{Size: 2, Distance: qdrant.Distance_Euclid})})
	if err != nil {
		t.Fatal(err)
	}
	for name, c := range map[string]*qdrant.Client{"without a key": connect(""), "with another key": connect(key + "x")} {
		_, err := c.Scroll(ctx, &qdrant.ScrollPoints{CollectionName: "c"})
		wantCode(t, "scroll "+name, err, codes.Unauthenticated)
	}
	if _, err := good.Scroll(ctx, &qdrant.ScrollPoints{CollectionName: "c"}); err != nil {
		t.Errorf("scroll with the key: %v", err)
	}
}

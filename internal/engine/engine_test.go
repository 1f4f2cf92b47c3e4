package engine

import (
	"context"
	"encoding/json"
	"errors"
	"image"
	"math"
	"testing"
	"time"

	"github.com/facetriage/facetriage/internal/face"
	"github.com/facetriage/facetriage/internal/imgfile"
)

// forward maps a photo point into a view: scale, then turn clockwise by q.
func forward(v view, x, y float64) (float64, float64) {
	x, y = x*v.scale, y*v.scale
	switch v.q {
	case 1:
		return v.h - y, x
	case 2:
		return v.w - x, v.h - y
	case 3:
		return y, v.w - x
	}
	return x, y
}

func TestViewMapsBackToThePhoto(t *testing.T) {
	for q := 0; q < 4; q++ {
		v := view{scale: 0.5, w: 400, h: 300, q: q}
		for _, p := range [][2]float64{{0, 0}, {10, 20}, {799, 599}, {333.5, 12.25}} {
			u, w := forward(v, p[0], p[1])
			x, y := v.toPhoto(u, w)
			if math.Abs(x-p[0]) > 1e-9 || math.Abs(y-p[1]) > 1e-9 {
				t.Errorf("q=%d: %v → (%v, %v) → (%v, %v)", q, p, u, w, x, y)
			}
		}
	}
}

// fakeFace is a face painted into a fakePicture: where it is, where its
// head points, and its descriptor.
type fakeFace struct {
	box  image.Rectangle
	up   face.Vec // one of the four axis directions
	desc face.Descriptor
	// flips makes the fake detector also fire on the face upside down, as
	// dlib's HOG does, with a worthless descriptor.
	flips bool
}

// fakePicture "encodes" a view as JSON naming the turn and scale.
type fakePicture struct {
	size  image.Point
	faces []fakeFace
}

type viewSpec struct {
	Q     int
	Scale float64
}

func (p *fakePicture) Size() image.Point { return p.size }
func (p *fakePicture) ScaledSize(s float64) image.Point {
	return image.Pt(int(math.Round(float64(p.size.X)*s)), int(math.Round(float64(p.size.Y)*s)))
}
func (p *fakePicture) View(q int, s float64, _ int) ([]byte, image.Point, error) {
	b, _ := json.Marshal(viewSpec{q, s})
	return b, image.Point{}, nil
}
func (p *fakePicture) FaceCrop(face.CropSpec, int) ([]byte, float64, error) { return nil, 100, nil }
func (p *fakePicture) Close()                                               {}

// fakeRecognizer sees the faces of one fakePicture the way HOG would: a face
// whose head points up in the view, and (if flips) one pointing down.
type fakeRecognizer struct {
	pic   *fakePicture
	calls int
}

func turn(v face.Vec, q int) face.Vec { // clockwise quarter turns, y down
	for i := 0; i < q; i++ {
		v = face.Vec{X: -v.Y, Y: v.X}
	}
	return v
}

func (r *fakeRecognizer) Recognize(_ context.Context, b []byte, det face.Detector) ([]face.Detection, error) {
	r.calls++
	var s viewSpec
	if err := json.Unmarshal(b, &s); err != nil {
		return nil, err
	}
	ss := r.pic.ScaledSize(s.Scale)
	v := view{scale: s.Scale, w: float64(ss.X), h: float64(ss.Y), q: s.Q}
	var out []face.Detection
	for _, f := range r.pic.faces {
		up := turn(f.up, s.Q)
		x0, y0 := forward(v, float64(f.box.Min.X), float64(f.box.Min.Y))
		x1, y1 := forward(v, float64(f.box.Max.X), float64(f.box.Max.Y))
		rect := image.Rect(int(math.Round(x0)), int(math.Round(y0)), int(math.Round(x1)), int(math.Round(y1)))
		cx, cy := (rect.Min.X+rect.Max.X)/2, (rect.Min.Y+rect.Max.Y)/2
		dy := rect.Dy() / 4
		switch {
		case up.Y < -0.5: // upright in this view: eyes above the nose
			out = append(out, face.Detection{Rect: rect, Descriptor: f.desc, Landmarks: []image.Point{
				{cx - dy, cy - dy}, {cx - dy/2, cy - dy}, {cx + dy/2, cy - dy}, {cx + dy, cy - dy}, {cx, cy + dy}}})
		case up.Y > 0.5 && f.flips: // upside down: HOG fires, landmarks fitted as if upright
			out = append(out, face.Detection{Rect: rect.Inset(-rect.Dx() / 10), Descriptor: flipped(f.desc), Landmarks: []image.Point{
				{cx - dy, cy - dy}, {cx - dy/2, cy - dy}, {cx + dy/2, cy - dy}, {cx + dy, cy - dy}, {cx, cy + dy}}})
		}
	}
	return out, nil
}

// uprightDesc is a descriptor the upright check scores high, and flipped
// turns it into one it scores low.
func uprightDesc(seed float32) face.Descriptor {
	var d face.Descriptor
	for i := range d {
		d[i] = float32(uprightWeights[i]) * 0.01 * (1 + seed)
	}
	return d
}

func flipped(d face.Descriptor) face.Descriptor {
	for i := range d {
		d[i] = -d[i]
	}
	return d
}

func newFake(t *testing.T, pic *fakePicture, opts Options) (*Engine, *fakeRecognizer) {
	t.Helper()
	rec := &fakeRecognizer{pic: pic}
	dec := DecoderFunc(func([]byte, imgfile.Limits) (Picture, imgfile.Info, error) { return pic, imgfile.Info{}, nil })
	e, err := New(dec, rec, opts)
	if err != nil {
		t.Fatal(err)
	}
	return e, rec
}

func TestSweepFindsFacesAtEveryRotationOnce(t *testing.T) {
	if UprightScore(uprightDesc(0)) <= UprightScore(flipped(uprightDesc(0))) {
		t.Fatal("test descriptors do not separate under the upright check")
	}
	pic := &fakePicture{size: image.Pt(2000, 1500), faces: []fakeFace{
		{box: image.Rect(100, 100, 400, 400), up: face.Vec{Y: -1}, desc: uprightDesc(0), flips: true},
		{box: image.Rect(600, 200, 900, 500), up: face.Vec{X: -1}, desc: uprightDesc(1)},                // head to the left
		{box: image.Rect(1000, 800, 1300, 1100), up: face.Vec{Y: 1}, desc: uprightDesc(2), flips: true}, // upside down
		{box: image.Rect(1500, 100, 1800, 400), up: face.Vec{X: 1}, desc: uprightDesc(3)},               // head to the right
	}}
	e, rec := newFake(t, pic, Options{})
	r, err := e.Embed(context.Background(), []byte("x"))
	if err != nil {
		t.Fatal(err)
	}
	if rec.calls != 4 {
		t.Errorf("%d recognizer calls, want 4 (one per rotation)", rec.calls)
	}
	want := []face.Rotation{0, 90, 180, 270}
	if len(r.Faces) != len(pic.faces) {
		t.Fatalf("%d faces, want %d: %+v", len(r.Faces), len(pic.faces), r.Faces)
	}
	for i, f := range r.Faces {
		pf := pic.faces[i]
		if f.Rotation != want[i] {
			t.Errorf("face %d found at %d°, want %d°", i, f.Rotation, want[i])
		}
		if f.Descriptor != pf.desc {
			t.Errorf("face %d: kept the upside-down detection's descriptor", i)
		}
		if d := f.Box.Rect().Min.Sub(pf.box.Min); abs(d.X) > 1 || abs(d.Y) > 1 || abs(f.Box.Rect().Dx()-pf.box.Dx()) > 2 {
			t.Errorf("face %d: box %v, want %v", i, f.Box, pf.box)
		}
		if up, ok := face.Up(f.Landmarks); !ok || up.X*pf.up.X+up.Y*pf.up.Y < 0.9 {
			t.Errorf("face %d: landmarks point %+v, want %+v", i, up, pf.up)
		}
		if f.Detector != face.HOG || f.Size < 290 || f.Sharpness != 100 {
			t.Errorf("face %d: %+v", i, f)
		}
	}
}

func TestUprightOnlyMissesSidewaysFaces(t *testing.T) {
	pic := &fakePicture{size: image.Pt(800, 600), faces: []fakeFace{
		{box: image.Rect(100, 100, 300, 300), up: face.Vec{X: -1}, desc: uprightDesc(0)},
	}}
	e, rec := newFake(t, pic, Options{Upright: true, Mode: ModeHOG})
	r, err := e.Embed(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if rec.calls != 1 || len(r.Faces) != 0 {
		t.Fatalf("upright only: %d calls, %d faces; want 1 call, 0 faces", rec.calls, len(r.Faces))
	}
}

// The CNN fallback runs only when HOG finds nothing.
type detectorLog struct {
	fakeRecognizer
	dets []face.Detector
}

func (r *detectorLog) Recognize(ctx context.Context, b []byte, det face.Detector) ([]face.Detection, error) {
	r.dets = append(r.dets, det)
	if det == face.HOG {
		return nil, nil
	}
	return r.fakeRecognizer.Recognize(ctx, b, det)
}

func TestCNNFallback(t *testing.T) {
	pic := &fakePicture{size: image.Pt(800, 600), faces: []fakeFace{
		{box: image.Rect(100, 100, 300, 300), up: face.Vec{Y: -1}, desc: uprightDesc(0)},
	}}
	rec := &detectorLog{fakeRecognizer: fakeRecognizer{pic: pic}}
	dec := DecoderFunc(func([]byte, imgfile.Limits) (Picture, imgfile.Info, error) { return pic, imgfile.Info{}, nil })
	e, err := New(dec, rec, Options{Mode: ModeFallback})
	if err != nil {
		t.Fatal(err)
	}
	r, err := e.Embed(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Faces) != 1 || r.Faces[0].Detector != face.CNN {
		t.Fatalf("faces %+v, want one found by the CNN", r.Faces)
	}
	if len(rec.dets) != 8 {
		t.Errorf("detector calls %v, want 4 HOG then 4 CNN", rec.dets)
	}
}

func TestDetectionScale(t *testing.T) {
	o := Options{}
	for _, tc := range []struct {
		size image.Point
		want float64
	}{
		{image.Pt(4096, 3072), 0.25},
		{image.Pt(1024, 600), 1},
		{image.Pt(250, 250), 2},
		{image.Pt(600, 400), 1},
	} {
		if got := o.detectionScale(tc.size); math.Abs(got-tc.want) > 1e-9 {
			t.Errorf("%v: scale %v, want %v", tc.size, got, tc.want)
		}
	}
}

func TestOptionsValidate(t *testing.T) {
	for _, o := range []Options{{Mode: "sift"}, {MaxSide: 10}, {MaxPixels: -1}, {Budget: -time.Second}} {
		if err := o.Validate(); err == nil {
			t.Errorf("%+v accepted", o)
		}
	}
	if _, err := New(nil, nil, Options{Mode: "sift"}); err == nil {
		t.Error("New accepted a bad detector")
	}
}

func TestDecodeErrorsPassThrough(t *testing.T) {
	dec := DecoderFunc(func([]byte, imgfile.Limits) (Picture, imgfile.Info, error) {
		return nil, imgfile.Info{}, imgfile.ErrTruncated
	})
	e, _ := New(dec, &fakeRecognizer{}, Options{})
	_, err := e.Embed(context.Background(), nil)
	if !errors.Is(err, imgfile.ErrTruncated) || !IsPermanent(err) {
		t.Fatalf("got %v, want a permanent ErrTruncated", err)
	}
}

func abs(x int) int {
	if x < 0 {
		return -x
	}
	return x
}

// A large photo whose faces are too small at the detection scale is swept
// again at twice the scale.
type smallFaceRecognizer struct {
	fakeRecognizer
	scales []float64
}

func (r *smallFaceRecognizer) Recognize(ctx context.Context, b []byte, det face.Detector) ([]face.Detection, error) {
	var s viewSpec
	_ = json.Unmarshal(b, &s)
	r.scales = append(r.scales, s.Scale)
	if s.Scale < 0.5 { // faces under 80 px: HOG sees nothing
		return nil, nil
	}
	return r.fakeRecognizer.Recognize(ctx, b, det)
}

func TestZoomWhenNoFaceAtTheDetectionScale(t *testing.T) {
	pic := &fakePicture{size: image.Pt(4096, 2048), faces: []fakeFace{
		{box: image.Rect(1000, 1000, 1150, 1150), up: face.Vec{Y: -1}, desc: uprightDesc(0)},
	}}
	rec := &smallFaceRecognizer{fakeRecognizer: fakeRecognizer{pic: pic}}
	dec := DecoderFunc(func([]byte, imgfile.Limits) (Picture, imgfile.Info, error) { return pic, imgfile.Info{}, nil })
	e, _ := New(dec, rec, Options{})
	r, err := e.Embed(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Faces) != 1 || len(rec.scales) != 8 || rec.scales[4] != 0.5 {
		t.Fatalf("%d faces after sweeps at %v; want 1 face, 4 sweeps at 0.25 then 4 at 0.5", len(r.Faces), rec.scales)
	}
	if d := r.Faces[0].Box.Rect().Min.Sub(image.Pt(1000, 1000)); abs(d.X) > 2 || abs(d.Y) > 2 {
		t.Errorf("box %v, want at (1000, 1000)", r.Faces[0].Box)
	}
}

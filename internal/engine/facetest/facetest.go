// Package facetest is a fake face engine for unit tests: no cgo, no models,
// deterministic. It is not the real engine, and the faces it reports say so
// (detector "fake").
//
// Its photos are small real PNG files (so the decode stage accepts them)
// whose first pixels say what the fake finds; Photo makes them. Two photos
// of one person have descriptors 0.1 apart, and far from other people's.
package facetest

import (
	"bytes"
	"context"
	"crypto/sha256"
	"errors"
	"fmt"
	"image"
	"image/color"
	"image/png"

	"github.com/facetriage/facetriage/internal/engine"
	"github.com/facetriage/facetriage/internal/face"
	"github.com/facetriage/facetriage/internal/imgfile"
)

// Kind says what a fake photo holds.
type Kind uint8

// Kinds of fake photos.
const (
	Faces  Kind = iota // Faces faces (1 when 0)
	NoFace             // no face
	Flaky              // a transient error on every try
)

// Spec describes a fake photo.
type Spec struct {
	Person  uint8 // who is in it
	Variant uint8 // which photo of that person
	Kind    Kind
	Faces   uint8
}

// Photo makes a 32 × 32 PNG holding spec.
func Photo(s Spec) []byte {
	img := image.NewNRGBA(image.Rect(0, 0, 32, 32))
	img.Set(0, 0, color.NRGBA{s.Person, s.Variant, uint8(s.Kind), 255})
	img.Set(1, 0, color.NRGBA{s.Faces, 0, 0, 255})
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}

// Engine is the fake.
type Engine struct{}

// ErrFlaky is the transient error of Flaky photos.
var ErrFlaky = errors.New("facetest: transient failure")

// Embed reads the spec back from the photo.
func (Engine) Embed(ctx context.Context, data []byte) (engine.Result, error) {
	img, err := png.Decode(bytes.NewReader(data))
	if err != nil {
		return engine.Result{}, fmt.Errorf("facetest: %w: %v", imgfile.ErrCorrupt, err)
	}
	r, g, b, _ := img.At(0, 0).RGBA()
	n, _, _, _ := img.At(1, 0).RGBA()
	s := Spec{Person: uint8(r >> 8), Variant: uint8(g >> 8), Kind: Kind(b >> 8), Faces: uint8(n >> 8)}
	res := engine.Result{Width: 32, Height: 32, Cost: engine.Cost{Level: "fake", Views: 1}}
	switch s.Kind {
	case NoFace:
		return res, nil
	case Flaky:
		return res, ErrFlaky
	}
	for k := 0; k < max(1, int(s.Faces)); k++ {
		res.Faces = append(res.Faces, face.Face{
			Box:        face.Box(image.Rect(k, 2, k+10, 12)),
			Descriptor: Descriptor(s.Person+uint8(k), s.Variant),
			Detector:   "fake",
			Size:       10,
			Sharpness:  100,
			Crop:       []byte("fake crop"),
		})
	}
	return res, nil
}

// Descriptor is the fake descriptor of a person in a photo variant.
func Descriptor(person, variant uint8) face.Descriptor {
	var d face.Descriptor
	seed := sha256.Sum256([]byte{person, 'p'})
	for i := range d {
		d[i] = float32(int(seed[i%32])-128) / 256
		if i >= 64 {
			d[i] = -d[i]
		}
	}
	d[variant%face.Dim] += 0.1
	return d
}

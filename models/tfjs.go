package models

import (
	"encoding/binary"
	"encoding/json"
	"fmt"
	"math"
)

// tfjsWeight is one entry of a TensorFlow.js weights manifest.
type tfjsWeight struct {
	Name         string `json:"name"`
	Shape        []int  `json:"shape"`
	Dtype        string `json:"dtype"`
	Quantization *struct {
		Dtype string  `json:"dtype"`
		Scale float64 `json:"scale"`
		Min   float64 `json:"min"`
	} `json:"quantization"`
}

type tfjsGroup struct {
	Paths   []string     `json:"paths"`
	Weights []tfjsWeight `json:"weights"`
}

// tensor is a dequantised float32 tensor in TensorFlow.js layout.
type tensor struct {
	shape []int
	data  []float32
}

// readTFJS decodes a weights manifest and its single binary shard into
// named float32 tensors. uint8-quantised tensors become min + scale × q.
func readTFJS(manifest, shard []byte) (map[string]tensor, error) {
	var groups []tfjsGroup
	if err := json.Unmarshal(manifest, &groups); err != nil {
		return nil, fmt.Errorf("%w: weights manifest: %v", ErrWeights, err)
	}
	if len(groups) != 1 {
		return nil, fmt.Errorf("%w: %d weight groups, want 1", ErrWeights, len(groups))
	}
	out := make(map[string]tensor)
	off := 0
	for _, w := range groups[0].Weights {
		n := 1
		for _, d := range w.Shape {
			n *= d
		}
		if w.Dtype != "float32" {
			return nil, fmt.Errorf("%w: %s has dtype %q", ErrWeights, w.Name, w.Dtype)
		}
		t := tensor{shape: w.Shape, data: make([]float32, n)}
		switch {
		case w.Quantization == nil:
			if off+4*n > len(shard) {
				return nil, fmt.Errorf("%w: shard ends inside %s", ErrWeights, w.Name)
			}
			for i := range t.data {
				t.data[i] = math.Float32frombits(binary.LittleEndian.Uint32(shard[off+4*i:]))
			}
			off += 4 * n
		case w.Quantization.Dtype == "uint8":
			if off+n > len(shard) {
				return nil, fmt.Errorf("%w: shard ends inside %s", ErrWeights, w.Name)
			}
			q := w.Quantization
			for i := range t.data {
				t.data[i] = float32(q.Min + q.Scale*float64(shard[off+i]))
			}
			off += n
		default:
			return nil, fmt.Errorf("%w: %s quantised as %q", ErrWeights, w.Name, w.Quantization.Dtype)
		}
		out[w.Name] = t
	}
	if off != len(shard) {
		return nil, fmt.Errorf("%w: %d bytes left after the last tensor", ErrWeights, len(shard)-off)
	}
	return out, nil
}

// resnetBlocks names face-api's convolution blocks in dlib's input-to-output
// order: the stem, then residual levels of 32, 64, 128 and 256 filters.
func resnetBlocks() []string {
	b := []string{"conv32_down"}
	add := func(prefix string, names ...string) {
		for _, n := range names {
			b = append(b, prefix+n+"/conv1", prefix+n+"/conv2")
		}
	}
	add("conv32_", "1", "2", "3")
	add("conv", "64_down", "64_1", "64_2", "64_3")
	add("conv", "128_down", "128_1", "128_2")
	add("conv", "256_down", "256_1", "256_2")
	add("conv", "256_down_out")
	return b
}

// dlibResNetParams lays the face-api tensors out the way dlib's network
// holds them, layer by layer from the input: for each convolution its filters
// as [out][in][kh][kw] (TensorFlow.js stores [kh][kw][in][out]) and biases,
// then the following affine layer's gamma and beta (face-api's scale
// weights and biases), and last the [256][128] fully connected layer.
func dlibResNetParams(ts map[string]tensor) ([]float32, error) {
	var out []float32
	get := func(name string, rank int) (tensor, error) {
		t, ok := ts[name]
		if !ok {
			return t, fmt.Errorf("%w: tensor %s missing", ErrWeights, name)
		}
		if len(t.shape) != rank {
			return t, fmt.Errorf("%w: tensor %s has shape %v", ErrWeights, name, t.shape)
		}
		return t, nil
	}
	for _, blk := range resnetBlocks() {
		f, err := get(blk+"/conv/filters", 4)
		if err != nil {
			return nil, err
		}
		kh, kw, in, nout := f.shape[0], f.shape[1], f.shape[2], f.shape[3]
		for o := 0; o < nout; o++ {
			for i := 0; i < in; i++ {
				for y := 0; y < kh; y++ {
					for x := 0; x < kw; x++ {
						out = append(out, f.data[((y*kw+x)*in+i)*nout+o])
					}
				}
			}
		}
		for _, part := range []string{"/conv/bias", "/scale/weights", "/scale/biases"} {
			t, err := get(blk+part, 1)
			if err != nil {
				return nil, err
			}
			if t.shape[0] != nout {
				return nil, fmt.Errorf("%w: %s%s has %d values, want %d", ErrWeights, blk, part, t.shape[0], nout)
			}
			out = append(out, t.data...)
		}
	}
	fc, err := get("fc", 2)
	if err != nil {
		return nil, err
	}
	if fc.shape[0] != 256 || fc.shape[1] != 128 {
		return nil, fmt.Errorf("%w: fc has shape %v, want [256 128]", ErrWeights, fc.shape)
	}
	out = append(out, fc.data...)
	if len(ts) != 4*len(resnetBlocks())+1 {
		return nil, fmt.Errorf("%w: %d tensors, want %d", ErrWeights, len(ts), 4*len(resnetBlocks())+1)
	}
	return out, nil
}

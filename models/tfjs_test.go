package models

import (
	"encoding/binary"
	"encoding/json"
	"errors"
	"math"
	"testing"
)

// fakeFaceAPI builds a weights manifest and shard with face-api's tensor
// names and shapes, every value distinct, half of them uint8-quantised.
func fakeFaceAPI(t *testing.T) (manifest, shard []byte, values map[string][]float32) {
	t.Helper()
	values = map[string][]float32{}
	var ws []map[string]any
	in := 3
	add := func(name string, shape []int, quantise bool) {
		n := 1
		for _, d := range shape {
			n *= d
		}
		w := map[string]any{"name": name, "shape": shape, "dtype": "float32"}
		vals := make([]float32, n)
		if quantise {
			const min, scale = -1.0, 0.01
			w["quantization"] = map[string]any{"dtype": "uint8", "min": min, "scale": scale}
			for i := range vals {
				q := byte((i + len(ws)) % 251)
				shard = append(shard, q)
				vals[i] = float32(min + scale*float64(q))
			}
		} else {
			for i := range vals {
				vals[i] = float32(len(ws)) + float32(i)/1e4
				shard = binary.LittleEndian.AppendUint32(shard, math.Float32bits(vals[i]))
			}
		}
		values[name] = vals
		ws = append(ws, w)
	}
	for k, blk := range resnetBlocks() {
		out := 32
		for _, s := range []int{64, 128, 256} {
			if len(blk) > 4 && blk[4:4+len(itoa(s))] == itoa(s) {
				out = s
			}
		}
		kh := 3
		if blk == "conv32_down" {
			kh = 7
		}
		add(blk+"/conv/filters", []int{kh, kh, in, out}, k%2 == 0)
		add(blk+"/conv/bias", []int{out}, true)
		add(blk+"/scale/weights", []int{out}, false)
		add(blk+"/scale/biases", []int{out}, true)
		in = out
	}
	add("fc", []int{256, 128}, true)
	m, err := json.Marshal([]map[string]any{{"paths": []string{"x.bin"}, "weights": ws}})
	if err != nil {
		t.Fatal(err)
	}
	return m, shard, values
}

func itoa(i int) string {
	b, _ := json.Marshal(i)
	return string(b)
}

func TestDlibLayoutOfFaceAPIWeights(t *testing.T) {
	m, shard, vals := fakeFaceAPI(t)
	ts, err := readTFJS(m, shard)
	if err != nil {
		t.Fatal(err)
	}
	for name, want := range vals {
		got := ts[name].data
		for i := range want {
			if math.Abs(float64(got[i]-want[i])) > 1e-6 {
				t.Fatalf("%s[%d] = %v, want %v", name, i, got[i], want[i])
			}
		}
	}
	params, err := dlibResNetParams(ts)
	if err != nil {
		t.Fatal(err)
	}
	// The stem: filters [7][7][3][32] in tfjs become [32][3][7][7].
	f := vals["conv32_down/conv/filters"]
	for _, c := range []struct{ o, i, y, x int }{{0, 0, 0, 0}, {31, 2, 6, 6}, {5, 1, 3, 2}} {
		got := params[((c.o*3+c.i)*7+c.y)*7+c.x]
		want := f[((c.y*7+c.x)*3+c.i)*32+c.o]
		if got != want {
			t.Errorf("stem filter %+v = %v, want %v", c, got, want)
		}
	}
	// After the filters come the conv biases, then the affine gamma and beta.
	off := 7 * 7 * 3 * 32
	for name, n := range map[string]int{"conv32_down/conv/bias": 0, "conv32_down/scale/weights": 32, "conv32_down/scale/biases": 64} {
		if params[off+n] != vals[name][0] {
			t.Errorf("%s not at offset %d", name, off+n)
		}
	}
	// The fc layer ends the parameters, [256][128] in both layouts.
	fc := vals["fc"]
	if got := params[len(params)-len(fc):]; got[0] != fc[0] || got[len(got)-1] != fc[len(fc)-1] {
		t.Error("fc is not last")
	}
	// The real face-api weights hold exactly this many values.
	if len(params) != 5_614_592 {
		t.Errorf("%d parameters, want 5614592", len(params))
	}
}

func TestReadTFJSRefusesBadWeights(t *testing.T) {
	m, shard, _ := fakeFaceAPI(t)
	if _, err := readTFJS(m, shard[:len(shard)-1]); !errors.Is(err, ErrWeights) {
		t.Errorf("short shard: %v", err)
	}
	if _, err := readTFJS(m, append(shard, 0)); !errors.Is(err, ErrWeights) {
		t.Errorf("long shard: %v", err)
	}
	if _, err := readTFJS([]byte("{"), shard); !errors.Is(err, ErrWeights) {
		t.Errorf("bad manifest: %v", err)
	}
	ts, _ := readTFJS(m, shard)
	delete(ts, "conv64_1/conv2/scale/weights")
	if _, err := dlibResNetParams(ts); !errors.Is(err, ErrWeights) {
		t.Errorf("missing tensor: %v", err)
	}
}

package eval

import (
	"fmt"
	"hash/fnv"
)

// AnyAngle is the angle, in degrees in [0, 360), by which the "any angle"
// condition turns the photo at path: uniform, and fixed by seed and path,
// so that runs and their caches agree.
func AnyAngle(seed int64, path string) float64 {
	h := fnv.New64a()
	fmt.Fprintf(h, "anyangle:%d:%s", seed, path)
	return float64(h.Sum64()>>11) / (1 << 53) * 360
}

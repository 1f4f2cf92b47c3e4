//go:build cgo

package imaging

// #cgo pkg-config: opencv4
// #cgo CXXFLAGS: -std=c++11
// void facetriage_cv_set_threads(int n);
import "C"

// SetThreads sets OpenCV's own worker threads. With one recognizer per core
// the pipeline is already parallel, and OpenCV's pool would oversubscribe
// the cores; 1 turns it off.
func SetThreads(n int) { C.facetriage_cv_set_threads(C.int(n)) }

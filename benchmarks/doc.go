// Package benchmarks measures facetriage: embedding throughput here, and
// the tools under it (orientation, …) produce the recorded figures of
// README.md. Run with
//
//	go test ./benchmarks -run XXX -bench . -benchtime 40x
package benchmarks

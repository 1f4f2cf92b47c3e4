// Package dedupe2e tests near-duplicate detection end to end, with the
// real face engine on LFW: the whole embedded pipeline ingests photos and
// re-encoded, resized and cropped copies of them. It holds only tests (and
// the measurement reported in benchmarks/README.md), apart from dedup's
// own quick ones, so that those build without cgo.
package dedupe2e

// Package proto holds the bus messages (pipeline.proto) and, in
// facetriagepb, the Go code generated from them, which is committed.
//
// Regenerate after editing pipeline.proto:
//
//	apt-get install protobuf-compiler
//	go install google.golang.org/protobuf/cmd/protoc-gen-go@v1.36.12
//	go generate ./proto
package proto

//go:generate protoc --go_out=facetriagepb --go_opt=paths=source_relative pipeline.proto

package models

import (
	_ "embed"
	"encoding/json"
	"fmt"
)

//go:embed manifest.json
var manifestJSON []byte

// Offline describes how a file can be built or copied without dlib.net.
type Offline struct {
	Kind            string   `json:"kind"`
	Paths           []string `json:"paths,omitempty"`
	Package         string   `json:"package,omitempty"`
	TarballSHA256   string   `json:"tarball_sha256,omitempty"`
	Weights         string   `json:"weights,omitempty"`
	WeightsManifest string   `json:"weights_manifest,omitempty"`
	License         string   `json:"license,omitempty"`
}

// Offline source kinds.
const (
	OfflineDebian68  = "debian-68-landmarks"
	OfflineNPM       = "npm-face-api"
	OfflineLocalCopy = "local-copy"
)

// File is one model file the engine needs.
type File struct {
	Name     string   `json:"name"`
	Role     string   `json:"role"`
	Official []string `json:"official"`
	// SHA256 of the decompressed official file; empty when not pinned.
	SHA256  string  `json:"sha256"`
	License string  `json:"license"`
	Offline Offline `json:"offline"`
}

// Manifest lists the required model files.
type Manifest struct {
	Files []File `json:"files"`
}

// Required returns the manifest compiled into the binary.
func Required() (Manifest, error) {
	var m Manifest
	if err := json.Unmarshal(manifestJSON, &m); err != nil {
		return m, fmt.Errorf("models: embedded manifest: %w", err)
	}
	return m, nil
}

// EmbeddingModelName is the file of the face embedding model.
const EmbeddingModelName = "dlib_face_recognition_resnet_model_v1"

// EmbeddingModelID names the installed embedding model: its name and the
// first 12 hex digits of the installed file's SHA-256, so that descriptors
// of the official and of the converted model are never mixed unknowingly.
func EmbeddingModelID(dir string) string {
	in, err := ReadInstalled(dir)
	if err == nil {
		if e, ok := in.Lookup(EmbeddingModelName + ".dat"); ok && len(e.SHA256) >= 12 {
			return EmbeddingModelName + "@" + e.SHA256[:12]
		}
	}
	return EmbeddingModelName
}

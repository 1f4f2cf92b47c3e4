// Package dlibconv writes dlib's face recognition ResNet
// (dlib_face_recognition_resnet_model_v1.dat) from parameters that were
// obtained elsewhere, using dlib's own C++ serialisation, so that go-face loads
// the result exactly like dlib.net's file.
//
// It is the only cgo in model provisioning; the parsing and re-layout of the
// source weights is plain Go in package models. Without cgo, Write fails
// with engine.ErrNoFaceEngine (unavailable.go).
package dlibconv

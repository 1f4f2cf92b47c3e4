// Package models provisions the three dlib model files that the face engine
// loads, and records what it installed.
//
// The required files, their official downloads and every offline source are
// listed in manifest.json, which is compiled into the binary. Sources are
// tried in order: a directory the user names, dlib.net's official files, and
// an offline build (the dlib ResNet converted from the npm package
// @vladmandic/face-api, Debian's 68-point landmark model under the 5-point
// name, and the MMOD detector from a local copy).
//
// Provisioning writes installed.json into the model directory: one entry per
// file with its source and SHA-256. Verify checks the directory against it.
//
// The package is pure Go. The one step that needs dlib's C++ API, writing
// the converted ResNet, is injected as a ConvertFunc (see models/dlibconv).
package models

// Package workers holds the pipeline's stages, one package each:
//
//   - decode: checks the original, reads its EXIF and file-name metadata
//     and catalogues it;
//   - faces: runs the face engine and stores the crops;
//   - index: writes the face records and the vector index, in batches.
//
// Each implements pipeline.Stage; the errors they return decide the
// JetStream acknowledgement.
package workers

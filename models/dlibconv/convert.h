#pragma once
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

// dlibconv_write fills dlib's face recognition ResNet with n float32
// parameters, given layer by layer from input to output in dlib's own layout,
// and serialises it to path. It returns NULL, or an error message the caller
// must free.
char* dlibconv_write(const float* data, size_t n, const char* path);

#ifdef __cplusplus
}
#endif

//go:build cgo

package dlibconv

// #cgo CXXFLAGS: -std=c++17 -O2 -DNDEBUG
// #cgo LDFLAGS: -ldlib -lblas -lcblas -llapack
// #include <stdlib.h>
// #include "convert.h"
import "C"

import (
	"errors"
	"fmt"
	"unsafe"
)

// Write serialises the network with params, ordered layer by layer from the
// input to the output, each convolution as filters [out][in][kh][kw] then
// biases, each affine layer as gamma then beta, and the final fully connected
// layer as [256][128]. It fails if the count does not match the network.
func Write(params []float32, path string) error {
	if len(params) == 0 {
		return errors.New("dlibconv: no parameters")
	}
	cpath := C.CString(path)
	defer C.free(unsafe.Pointer(cpath))
	msg := C.dlibconv_write((*C.float)(unsafe.Pointer(&params[0])), C.size_t(len(params)), cpath)
	if msg != nil {
		defer C.free(unsafe.Pointer(msg))
		return fmt.Errorf("dlibconv: %s", C.GoString(msg))
	}
	return nil
}

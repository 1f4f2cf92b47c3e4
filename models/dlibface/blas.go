//go:build cgo

package dlibface

// #cgo LDFLAGS: -ldl
// #include <dlfcn.h>
// #include <stddef.h>
//
// typedef void (*set_threads_fn)(int);
//
// // facetriage_blas_threads sets the thread count of whichever threaded
// // BLAS the process linked, and returns its index in names, or -1.
// static int facetriage_blas_threads(int n) {
//   static const char* names[] = {"openblas_set_num_threads", "bli_thread_set_num_threads", "MKL_Set_Num_Threads", NULL};
//   for (int i = 0; names[i] != NULL; i++) {
//     set_threads_fn f = (set_threads_fn)dlsym(RTLD_DEFAULT, names[i]);
//     if (f != NULL) { f(n); return i; }
//   }
//   return -1;
// }
import "C"

var blasNames = []string{"OpenBLAS", "BLIS", "MKL"}

// SetBLASThreads limits the BLAS library's own threads. It returns the
// library it set, or "" when the linked BLAS is not threaded (ATLAS and the
// reference BLAS, Debian's defaults for dlib, are serial).
func SetBLASThreads(n int) string {
	i := int(C.facetriage_blas_threads(C.int(n)))
	if i < 0 {
		return ""
	}
	return blasNames[i]
}

package api_test

import (
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/facetriage/facetriage/internal/api"
	"github.com/facetriage/facetriage/internal/web"
)

// Attack: a client with no session and no token sends a 30 MB multipart
// body (within the upload limit) to each route that takes a photo. The
// guard parses it into memory before it asks who the client is, so forty
// such requests at once cost the server over a gigabyte (measured against
// `facetriage serve`: 40 concurrent unauthenticated uploads to
// /api/v1/search raised its RSS from 0.8 to 2.3 GB). Who the client is
// must be known before more than a form's worth of body is read.
func TestAttackUnauthenticatedUploadIsRefusedBeforeItIsRead(t *testing.T) {
	w := newWorld(t)
	h := w.d.Handler(web.LoginPath, w.d.Routes(), web.Routes(w.d))
	const size = 30 << 20
	for _, path := range []string{"/api/v1/search", "/api/v1/cases/" + w.params["id"] + "/references", "/cases/" + w.params["id"] + "/references"} {
		body, ctype := hugeMultipart(size)
		cb := &countingBody{r: body}
		req := httptest.NewRequest("POST", path, cb)
		req.Header.Set("Content-Type", ctype)
		req.ContentLength = -1
		rec := httptest.NewRecorder()
		h.ServeHTTP(rec, req)
		if rec.Code == http.StatusOK || rec.Code == http.StatusCreated {
			t.Fatalf("%s without identity: %d", path, rec.Code)
		}
		if read := cb.read.Load(); read > api.DefaultMaxBody {
			t.Errorf("%s without identity: %d MB read (into memory) before answering %d; want at most %d bytes",
				path, read>>20, rec.Code, api.DefaultMaxBody)
		}
	}
}

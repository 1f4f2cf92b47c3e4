package web

import (
	"errors"
	"net/http"

	"github.com/facetriage/facetriage/internal/api"
)

// errNoPage: no route has the path.
var errNoPage = errors.New("web: no such page")

// errorKey names the status and the message ("err." + key) for err: the
// API's one error table (api.Classify), and the pages' own errNoPage.
func errorKey(err error) (int, string) {
	if errors.Is(err, errNoPage) {
		return http.StatusNotFound, "no_page"
	}
	return api.Classify(err)
}

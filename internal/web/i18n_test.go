package web

import (
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"sort"
	"testing"

	"github.com/facetriage/facetriage/internal/api"
	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/cases"
	"github.com/facetriage/facetriage/internal/ingestjobs"
	"github.com/facetriage/facetriage/internal/match"
)

var placeholder = regexp.MustCompile(`\{\d+\}`)

// TestCataloguesMatch: both languages have exactly the same keys, no empty
// message, the same placeholders in each message, and every key the pages
// use.
func TestCataloguesMatch(t *testing.T) {
	c, err := loadCatalogues()
	if err != nil {
		t.Fatal(err)
	}
	en, ar := c["en"], c["ar"]
	for k, v := range en {
		a, ok := ar[k]
		switch {
		case !ok:
			t.Errorf("%s: missing in Arabic", k)
		case v == "" || a == "":
			t.Errorf("%s: empty message", k)
		default:
			pe, pa := placeholder.FindAllString(v, -1), placeholder.FindAllString(a, -1)
			sort.Strings(pe)
			sort.Strings(pa)
			if !slices.Equal(pe, pa) {
				t.Errorf("%s: placeholders %v in English, %v in Arabic", k, pe, pa)
			}
		}
	}
	for k := range ar {
		if _, ok := en[k]; !ok {
			t.Errorf("%s: missing in English", k)
		}
	}
	if en["warning.content"] != cases.ContentWarning {
		t.Errorf("the content warning differs from cases.ContentWarning:\n%q\n%q", en["warning.content"], cases.ContentWarning)
	}
	for _, k := range usedKeys(t) {
		if _, ok := en[k]; !ok {
			t.Errorf("%s: used but not in the catalogues", k)
		}
	}
}

// usedKeys are the keys the templates name, and those built from values.
func usedKeys(t *testing.T) []string {
	var keys []string
	files, _ := filepath.Glob("templates/*.html")
	re := regexp.MustCompile(`\.T "([a-z_.]+)"`)
	for _, f := range files {
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		for _, m := range re.FindAllStringSubmatch(string(b), -1) {
			keys = append(keys, m[1])
		}
	}
	for _, r := range auth.Roles {
		keys = append(keys, "role."+string(r))
	}
	for _, s := range []cases.Status{cases.StatusOpen, cases.StatusClosed} {
		keys = append(keys, "status."+string(s))
	}
	for _, s := range []match.Strength{match.Strong, match.Possible, match.Weak, match.Unlikely} {
		keys = append(keys, "strength."+string(s))
	}
	for _, v := range []cases.Verdict{cases.New, cases.Possible, cases.Excluded, cases.Identified} {
		keys = append(keys, "verdict."+string(v))
	}
	for _, v := range []cases.Verdict{cases.Possible, cases.Excluded, cases.Identified} {
		keys = append(keys, "flash.decided_"+string(v))
	}
	for _, k := range api.ErrorKinds() {
		keys = append(keys, "err."+k)
	}
	// The photo error kinds (pipeline.ErrorKind), which api.Classify gives
	// as "photo_" + kind.
	for _, k := range []string{"empty", "not_image", "truncated", "too_large", "too_small", "corrupt", "no_face"} {
		keys = append(keys, "err.photo_"+k)
	}
	for _, st := range []string{ingestjobs.StateReceiving, ingestjobs.StateQueued, ingestjobs.StateRunning, ingestjobs.StateDone, ingestjobs.StateFailed} {
		keys = append(keys, "ingest.state."+st)
	}
	for _, st := range bus.Stages {
		keys = append(keys, "ingest.stage."+st)
	}
	for _, title := range []string{"ingest", "login", "cases", "newcase", "case", "pick", "photo", "family", "admin", "error"} {
		keys = append(keys, title+".title")
	}
	keys = append(keys, "err.internal", "family.warning_title", "flash.case_created", "flash.reference_added",
		"flash.matched", "flash.user_added", "err.login_expired", "err.name_required", "err.bad_date", "err.photo_missing",
		"err.pick_expired", "err.pick_face", "err.verdict_required", "err.reason_required", "err.label_required")
	return keys
}

func TestLanguageChoice(t *testing.T) {
	for _, c := range []struct {
		query, cookie, accept, want string
	}{
		{"", "", "", "en"},
		{"", "", "ar-SY,ar;q=0.9,en;q=0.5", "ar"},
		{"", "", "fr-FR", "en"},
		{"", "ar", "en", "ar"},
		{"?lang=en", "ar", "ar", "en"},
		{"?lang=ar", "", "", "ar"},
		{"?lang=xx", "", "", "en"},
	} {
		r := httptest.NewRequest("GET", "/cases"+c.query, nil)
		if c.cookie != "" {
			r.Header.Set("Cookie", LangCookie+"="+c.cookie)
		}
		if c.accept != "" {
			r.Header.Set("Accept-Language", c.accept)
		}
		w := httptest.NewRecorder()
		if got := chooseLang(w, r, false); got != c.want {
			t.Errorf("%+v: %s", c, got)
		}
		set := w.Result().Cookies()
		if c.query == "?lang=en" || c.query == "?lang=ar" {
			if len(set) != 1 || set[0].Name != LangCookie || set[0].SameSite != http.SameSiteStrictMode {
				t.Errorf("%+v: cookie %+v, want %s with SameSite=Strict", c, set, LangCookie)
			}
		} else if len(set) != 0 {
			t.Errorf("%+v: sets a cookie", c)
		}
	}
}

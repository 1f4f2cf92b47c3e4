package web_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/chromedp/chromedp"

	"github.com/facetriage/facetriage/internal/api"
	"github.com/facetriage/facetriage/internal/app"
	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/ingest"
	"github.com/facetriage/facetriage/internal/testenv"
	"github.com/facetriage/facetriage/internal/web"
)

const chromium = "/usr/bin/chromium"

// stack is the whole product on the embedded default, with the real face
// engine, go-face's test photos as the archive (all but tzuyu.jpg, the
// family's photo), and the API and UI served.
type stack struct {
	d       *api.Deps
	rt      *app.Runtime
	url     string
	photos  string // go-face's photos
	archive string
}

func startStack(t *testing.T) *stack {
	t.Helper()
	cfg := testenv.Config(t)
	photos := testenv.GoFaceImages(t)
	cfg.DataDir = t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	rt, err := app.Connect(ctx, cfg, quiet, app.Own)
	if err != nil {
		t.Fatal(err)
	}
	p, err := rt.RunPipeline(ctx)
	if err != nil {
		t.Fatal(err)
	}
	store, eng := p.Store, p.Engine
	t.Cleanup(func() { cancel(); p.Wait(); rt.Close() })

	archive := t.TempDir()
	files, _ := filepath.Glob(filepath.Join(photos, "*.jpg"))
	for _, f := range files {
		if filepath.Base(f) == "tzuyu.jpg" {
			continue
		}
		b, err := os.ReadFile(f)
		if err != nil {
			t.Fatal(err)
		}
		if err := os.WriteFile(filepath.Join(archive, filepath.Base(f)), b, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	ictx, icancel := context.WithTimeout(ctx, 5*time.Minute)
	defer icancel()
	in := &ingest.Ingester{Publisher: rt.Publisher(), Catalogue: rt.Catalog}
	sum, err := in.Run(ictx, ingest.Options{Paths: []string{archive}, Source: "go-face"})
	if err != nil {
		t.Fatal(err)
	}
	if sum.Indexed < 30 {
		t.Fatalf("ingest: %s", sum)
	}
	d, err := rt.Casework(ctx, store, eng)
	if err != nil {
		t.Fatal(err)
	}
	d.Ready = func(ctx context.Context) error { _, err := store.Count(ctx); return err }
	for _, u := range []struct {
		name string
		role auth.Role
	}{{"cw", auth.RoleCaseworker}, {"rv", auth.RoleReviewer}} {
		if err := d.Auth.AddUser(ctx, u.name, u.role, password); err != nil {
			t.Fatal(err)
		}
	}
	srv := httptest.NewServer(d.Handler(web.LoginPath, d.Routes(), web.Routes(d)))
	t.Cleanup(srv.Close)
	return &stack{d: d, rt: rt, url: srv.URL, photos: photos, archive: archive}
}

// newBrowser starts a headless Chromium with a fresh profile, at an
// office laptop's size.
func newBrowser(t *testing.T) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium), chromedp.Headless, chromedp.NoSandbox, chromedp.DisableGPU,
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.NoFirstRun, chromedp.Flag("disable-sync", true),
		chromedp.UserDataDir(t.TempDir()), chromedp.WindowSize(1280, 800))
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	tctx, cancelTimeout := context.WithTimeout(ctx, 4*time.Minute)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	return tctx
}

// do runs actions and fails the test on an error.
func do(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// submit clicks a button that submits a form, and waits for the next page.
func submit(t *testing.T, ctx context.Context, sel string) {
	t.Helper()
	if _, err := chromedp.RunResponse(ctx, chromedp.Click(chromedp.CSS(sel))); err != nil {
		t.Fatalf("click %s: %v", sel, err)
	}
}

func eval[T any](t *testing.T, ctx context.Context, js string) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js))
	if err != nil {
		t.Fatalf("%s: %v", js, err)
	}
	return v
}

// waitFor polls a JavaScript condition from the test (not from the page:
// the page's CSP allows no script).
func waitFor(t *testing.T, ctx context.Context, js string) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !eval[bool](t, ctx, js) {
		if time.Now().After(deadline) {
			t.Fatalf("still false after 20s: %s", js)
		}
		time.Sleep(100 * time.Millisecond)
	}
}

func loginAs(t *testing.T, ctx context.Context, base, name string) {
	t.Helper()
	do(t, ctx, "login page", chromedp.Navigate(base+web.LoginPath+"?lang=en"),
		chromedp.SendKeys(chromedp.ID("name"), name), chromedp.SendKeys(chromedp.ID("password"), password))
	submit(t, ctx, `main form button[type="submit"]`)
	if loc := eval[string](t, ctx, `location.pathname`); loc != "/cases" && loc != "/admin" {
		t.Fatalf("after login as %s: %s; page says: %s", name, loc, eval[string](t, ctx, `document.body.innerText`))
	}
}

// listed returns the data-individual of the elements sel finds.
func listed(t *testing.T, ctx context.Context, sel string) []string {
	t.Helper()
	return eval[[]string](t, ctx, fmt.Sprintf(`Array.from(document.querySelectorAll(%q)).map(e => e.dataset.individual)`, sel))
}

// screenshot writes the page as a PNG into dir.
func screenshot(t *testing.T, ctx context.Context, dir, name string) {
	t.Helper()
	b, err := chromedp.Run(ctx, chromedp.FullScreenshot(100))
	if err != nil {
		t.Fatal(err)
	}
	if len(b) < 1000 || !bytes.HasPrefix(b, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("%s: not a PNG (%d bytes)", name, len(b))
	}
	path := filepath.Join(dir, name)
	if err := os.WriteFile(path, b, 0o644); err != nil {
		t.Fatal(err)
	}
	t.Logf("screenshot: %s", path)
}

func screenshotDir(t *testing.T) string {
	if d := os.Getenv("FACETRIAGE_SCREENSHOTS"); d != "" {
		if err := os.MkdirAll(d, 0o755); err != nil {
			t.Fatal(err)
		}
		return d
	}
	return t.TempDir()
}

func sha(t *testing.T, path string) string {
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// TestBrowser drives a real headless Chromium through casework with the
// real face engine: a caseworker opens a case, uploads tzuyu.jpg and
// matches; tzuyu2.jpg's individual ranks first, blurred until revealed; a
// reviewer marks it possible and the next one excluded; a new match keeps
// the excluded one out; family viewing shows only the possible match.
func TestBrowser(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		t.Skipf("no Chromium at %s (apt-get install chromium): %v", chromium, err)
	}
	s := startStack(t)
	shots := screenshotDir(t)
	ctx := context.Background()

	// a. The caseworker opens a case, adds the family's photo, matches.
	cw := newBrowser(t)
	loginAs(t, cw, s.url, "cw")
	do(t, cw, "new case", chromedp.Navigate(s.url+"/cases/new"),
		chromedp.SendKeys(chromedp.ID("name"), "Chou Tzu-yu (test)"),
		chromedp.SendKeys(chromedp.ID("disappeared_at"), "Damascus"))
	submit(t, cw, `main form button[type="submit"]`)
	casePath := eval[string](t, cw, `location.pathname`)
	caseID := strings.TrimPrefix(casePath, "/cases/")
	do(t, cw, "upload", chromedp.SetUploadFiles(chromedp.ID("photo"), []string{filepath.Join(s.photos, "tzuyu.jpg")}))
	submit(t, cw, "#add-reference")
	if n := eval[int](t, cw, `document.querySelectorAll("#references img.thumb").length`); n != 1 {
		t.Fatalf("%d reference photos after the upload; page says: %s", n, eval[string](t, cw, `document.querySelector("main").innerText`))
	}
	submit(t, cw, "#match")

	// At first the leads show, ten at most, with a link to more leads or
	// to the weaker candidates.
	n := eval[int](t, cw, `document.querySelectorAll("#ranked li.cand").length`)
	more := eval[int](t, cw, `document.querySelectorAll("#show-more").length`)
	weaker := eval[int](t, cw, `document.querySelectorAll("#show-weaker").length`)
	if n < 1 || n > 10 || (n == 10) != (more == 1) || (n < 10 && weaker != 1) {
		t.Errorf("the page shows %d candidates at first (a link to more: %d, to weaker ones: %d), want at most 10 leads and a link on", n, more, weaker)
	}

	// b. tzuyu2.jpg's individual ranks first, its crop blurred; revealed
	// on request.
	top := eval[string](t, cw, `document.querySelector('li.cand[data-rank="1"]').dataset.photo`)
	want := sha(t, filepath.Join(s.photos, "tzuyu2.jpg"))
	if top != want {
		t.Fatalf("rank 1 is photo %s, want tzuyu2.jpg (%s)", top, want)
	}
	if p, err := s.rt.Catalog.Photo(ctx, top); err != nil || len(p.Paths) == 0 || filepath.Base(p.Paths[0]) != "tzuyu2.jpg" {
		t.Fatalf("the catalogue's photo %s: %+v, %v", top, p, err)
	}
	cropSel := `document.querySelector('li.cand[data-rank="1"] img.crop')`
	if src := eval[string](t, cw, cropSel+`.getAttribute("src")`); strings.Contains(src, "reveal=1") {
		t.Fatalf("rank 1's crop is revealed unasked: %s", src)
	}
	waitFor(t, cw, cropSel+`.complete && `+cropSel+`.naturalWidth > 0`)
	submit(t, cw, `li.cand[data-rank="1"] a.reveal-link`)
	if src := eval[string](t, cw, cropSel+`.getAttribute("src")`); !strings.Contains(src, "reveal=1") {
		t.Fatalf("after Reveal, the crop is %s", src)
	}
	waitFor(t, cw, cropSel+`.complete && `+cropSel+`.naturalWidth > 0`)
	if n := eval[int](t, cw, `document.querySelectorAll('img[src*="reveal=1"]').length`); n != 1 {
		t.Errorf("%d crops revealed, want one", n)
	}

	// c. The reviewer, in a browser of their own, cannot see the case
	// until the caseworker shares it; then decides.
	rv := newBrowser(t)
	loginAs(t, rv, s.url, "rv")
	do(t, rv, "case page, not shared", chromedp.Navigate(s.url+casePath+"?lang=en"))
	if text := eval[string](t, rv, `document.querySelector("main").innerText`); !strings.Contains(text, "There is no such case") || strings.Contains(text, "Tzu-yu") {
		t.Fatalf("the reviewer sees a case not shared with them: %s", text)
	}
	do(t, cw, "share", chromedp.Navigate(s.url+casePath+"?lang=en"),
		chromedp.SendKeys(chromedp.ID("member-name"), "rv"), chromedp.SetValue(chromedp.ID("member-role"), "reviewer"))
	submit(t, cw, `button[name="do"][value="share"]`)
	if n := eval[int](t, cw, `document.querySelectorAll('#members li[data-member="rv"]').length`); n != 1 {
		t.Fatalf("after sharing, the members list: %s", eval[string](t, cw, `document.querySelector("#members").innerText`))
	}
	do(t, rv, "case page", chromedp.Navigate(s.url+casePath))
	first := eval[string](t, rv, `document.querySelector('li.cand[data-rank="1"]').dataset.individual`)
	second := eval[string](t, rv, `document.querySelector('li.cand[data-rank="2"]').dataset.individual`)
	decide := func(rank int, verdict, reason string) {
		t.Helper()
		li := fmt.Sprintf(`li.cand[data-rank="%d"]`, rank)
		do(t, rv, "decision "+verdict, chromedp.Click(chromedp.CSS(li+` input[value="`+verdict+`"]`)),
			chromedp.SendKeys(chromedp.CSS(li+` textarea[name="reason"]`), reason))
		submit(t, rv, li+` form.decide button[type="submit"]`)
		if msg := eval[string](t, rv, `document.querySelector(".flash") ? document.querySelector(".flash").innerText : ""`); !strings.Contains(msg, "Decision recorded") {
			t.Fatalf("decision %s: %q; page says: %s", verdict, msg, eval[string](t, rv, `document.querySelector("main").innerText`))
		}
	}
	decide(1, "possible", "Same face shape and eyebrows; the photo is recent.")
	decide(2, "excluded", "Different person: the chin and the nose differ.")
	do(t, rv, "lang", chromedp.Navigate(s.url+casePath+"?lang=en"))
	screenshot(t, rv, shots, "case-reviewer-en.png")

	// d. A new match: the excluded candidate does not come back.
	submit(t, rv, "#match")
	ranked := listed(t, rv, "#ranked li.cand")
	if slices.Contains(ranked, second) || len(ranked) == 0 || ranked[0] != first {
		t.Errorf("after a new match the ranking is %v; want %s first and never %s", ranked, first, second)
	}
	if ex := listed(t, rv, "#excluded li.cand-excluded"); !slices.Equal(ex, []string{second}) {
		t.Errorf("excluded section %v, want [%s]", ex, second)
	}
	if open := eval[bool](t, rv, `document.querySelector("#excluded").open`); open {
		t.Error("the excluded section is not collapsed")
	}

	// e. Family viewing: a warning, then only the possible match.
	do(t, cw, "family", chromedp.Navigate(s.url+casePath+"/family?lang=en"))
	if n := eval[int](t, cw, `document.querySelectorAll("img").length`); n != 0 {
		t.Errorf("the family warning page shows %d images", n)
	}
	submit(t, cw, "#continue")
	if fam := listed(t, cw, "#family li"); !slices.Equal(fam, []string{first}) {
		t.Errorf("family viewing shows %v, want only the possible match %s", fam, first)
	}
	if src := eval[string](t, cw, `document.querySelector("#family img.crop").getAttribute("src")`); strings.Contains(src, "reveal=1") {
		t.Errorf("family crop revealed unasked: %s", src)
	}
	waitFor(t, cw, `document.querySelector("#family img.crop").naturalWidth > 0`)
	if text := eval[string](t, cw, `document.body.innerText`); strings.Contains(text, s.archive) || strings.Contains(text, ".jpg") {
		t.Error("family viewing shows an archive path")
	}

	// Screenshots in both languages.
	for _, lang := range []string{"en", "ar"} {
		do(t, cw, "case "+lang, chromedp.Navigate(s.url+casePath+"?lang="+lang+"&reveal="+url.QueryEscape(first)))
		waitFor(t, cw, `Array.from(document.images).every(i => i.complete)`)
		if dir := eval[string](t, cw, `document.documentElement.dir`); dir != map[string]string{"en": "ltr", "ar": "rtl"}[lang] {
			t.Errorf("%s page: dir=%q", lang, dir)
		}
		screenshot(t, cw, shots, "case-"+lang+".png")
		do(t, cw, "family "+lang, chromedp.Navigate(s.url+casePath+"/family?agree=1&lang="+lang))
		waitFor(t, cw, `Array.from(document.images).every(i => i.complete)`)
		screenshot(t, cw, shots, "family-"+lang+".png")
	}
	do(t, rv, "lang", chromedp.Navigate(s.url+casePath+"?lang=ar"))
	screenshot(t, rv, shots, "case-reviewer-ar.png")

	// At a phone's size, with the real photos: nothing sticks out.
	for _, lang := range []string{"en", "ar"} {
		do(t, rv, "phone "+lang, chromedp.EmulateViewport(390, 844, chromedp.EmulateScale(1)),
			chromedp.Navigate(s.url+casePath+"?lang="+lang+"&reveal="+url.QueryEscape(first)))
		waitFor(t, rv, `Array.from(document.images).every(i => i.complete)`)
		f := eval[fit](t, rv, measureFit)
		if f.Scroll > f.Inner || len(f.Out)+len(f.Narrow) > 0 {
			t.Errorf("the case page at 390 px in %s: %d px wide; %v %v", lang, f.Scroll, f.Out, f.Narrow)
		}
		pageShot(t, rv, shots, "case-reviewer-"+lang+"-phone.png", 390, int64(f.Height))
	}
	do(t, rv, "laptop", chromedp.EmulateViewport(1280, 800, chromedp.EmulateScale(1)))

	// A family photo with several faces: the caseworker is asked which.
	do(t, cw, "case page", chromedp.Navigate(s.url+casePath+"?lang=en"),
		chromedp.SetUploadFiles(chromedp.ID("photo"), []string{filepath.Join(s.photos, "pristin.jpg")}))
	submit(t, cw, "#add-reference")
	if p := eval[string](t, cw, `location.pathname`); !strings.Contains(p, "/faces/") {
		t.Fatalf("a photo of several people led to %s", p)
	}
	if n := eval[int](t, cw, `document.querySelectorAll("svg.pick-photo rect").length`); n < 2 || n != eval[int](t, cw, `document.querySelectorAll('input[name="face"]').length`) {
		t.Errorf("%d face boxes", n)
	}
	screenshot(t, cw, shots, "pick-en.png")
	do(t, cw, "pick ar", chromedp.Navigate(s.url+eval[string](t, cw, `location.pathname`)+"?lang=ar"))
	screenshot(t, cw, shots, "pick-ar.png")

	// The audit trail has the reveal, and the case counts what was shown.
	events, err := s.d.Audit.ForCase(ctx, caseID)
	if err != nil {
		t.Fatal(err)
	}
	revealed := false
	for _, e := range events {
		revealed = revealed || e.Action == "view" && e.Actor == "cw" && e.Detail["revealed"] == "true"
	}
	if !revealed {
		t.Errorf("no audited reveal among %d events", len(events))
	}
	sh, err := s.d.Cases.Shown(ctx, owner, caseID)
	if err != nil {
		t.Fatal(err)
	}
	if sh.RevealedCrops == 0 || sh.BlurredCrops == 0 {
		t.Errorf("the caseworker's shown counts: %+v", sh)
	}
}

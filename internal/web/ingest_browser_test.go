package web_test

import (
	"os"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/facetriage/facetriage/internal/web"
)

// TestIngestPageInABrowser: an admin logs in in a real Chromium, follows
// the navigation's link to the ingest page and finds the job, the three
// queues and the failures by kind, in English and in Arabic (right to
// left), and the page is no wider than the window.
func TestIngestPageInABrowser(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		t.Skipf("no Chromium at %s (apt-get install chromium): %v", chromium, err)
	}
	w, j := ingestedWorld(t)
	shots := screenshotDir(t)
	ctx := newBrowser(t)
	do(t, ctx, "login page", chromedp.Navigate(w.srv.URL+web.LoginPath+"?lang=en"),
		chromedp.SendKeys(chromedp.ID("name"), "admin"), chromedp.SendKeys(chromedp.ID("password"), password))
	submit(t, ctx, `main form button[type="submit"]`)
	submit(t, ctx, `nav a[href="/admin/ingest"]`)
	if got := eval[string](t, ctx, `document.querySelector("#jobs article").dataset.job`); got != j.ID {
		t.Fatalf("first job on the page: %q, want %s; page says: %s", got, j.ID, eval[string](t, ctx, `document.body.innerText`))
	}
	if n := eval[int](t, ctx, `document.querySelectorAll("#queues li").length`); n != 3 {
		t.Errorf("%d queues shown, want 3", n)
	}
	if n := eval[int](t, ctx, `document.querySelectorAll('#failure-kinds tr[data-kind="not_image"]').length`); n != 1 {
		t.Errorf("the failures by kind do not show not_image")
	}
	screenshot(t, ctx, shots, "ingest-en.png")
	do(t, ctx, "phone", chromedp.EmulateViewport(390, 844))
	if wide := eval[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth`); wide {
		t.Errorf("the ingest page is wider than a phone's screen: %s", eval[string](t, ctx, `Array.from(document.querySelectorAll("body *")).filter(e => e.getBoundingClientRect().right > window.innerWidth+1).slice(0, 8).map(e => e.tagName+"."+e.className+" "+Math.round(e.getBoundingClientRect().width)).join(", ")`))
	}
	screenshot(t, ctx, shots, "ingest-en-390.png")
	do(t, ctx, "Arabic", chromedp.Navigate(w.srv.URL+"/admin/ingest?lang=ar"))
	if dir := eval[string](t, ctx, `document.documentElement.dir`); dir != "rtl" {
		t.Errorf("the Arabic page's direction: %q", dir)
	}
	if wide := eval[bool](t, ctx, `document.documentElement.scrollWidth > window.innerWidth`); wide {
		t.Errorf("the Arabic ingest page is wider than the window")
	}
	screenshot(t, ctx, shots, "ingest-ar.png")
}

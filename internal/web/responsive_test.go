package web_test

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"

	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/cases"
	"github.com/facetriage/facetriage/internal/engine/facetest"
)

// The sizes every page is laid out at: a small phone and a common one held
// upright, and an office laptop (shot: a screenshot is taken).
var viewports = []struct {
	name          string
	width, height int64
	shot          bool
}{{"small", 360, 740, false}, {"phone", 390, 844, true}, {"laptop", 1366, 768, true}}

// fit is what measureFit reports about a page: how wide the document is
// against the viewport, how tall, and the elements that stick out of the
// viewport or of the card, candidate or box they sit in.
type fit struct {
	Scroll int      `json:"scroll"`
	Inner  int      `json:"inner"`
	Height int      `json:"height"`
	Out    []string `json:"out"`
	Narrow []string `json:"narrow"`
}

// measureFit is run in the page. A box is an element whose edges content
// must stay inside; an element inside a scrolling box (overflow auto) is
// not measured. Narrow lists candidate text columns squeezed under 15em, where
// text wraps a word per line, and dates broken over two lines.
const measureFit = `(() => {
  const vw = window.innerWidth, boxes = 'main, .top, .card, li.cand, .warning, .secret, .flash, .error, details.excluded, fieldset';
  const desc = e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    (typeof e.className === 'string' && e.className.trim() ? '.' + e.className.trim().split(/\s+/).join('.') : '');
  const out = [], narrow = [];
  for (const e of document.querySelectorAll('body *')) {
    const r = e.getBoundingClientRect();
    if (r.width === 0 || r.height === 0 || e.closest('.visually-hidden, .skip')) continue;
    let s = e.parentElement, scrolled = false;
    for (; s && s !== document.body; s = s.parentElement) {
      const ox = getComputedStyle(s).overflowX;
      if (ox === 'auto' || ox === 'scroll' || ox === 'hidden' || ox === 'clip') { scrolled = true; break; }
    }
    if (scrolled) continue;
    let where = '';
    if (r.left < -1 || r.right > vw + 1) where = 'the viewport';
    else {
      const box = e.parentElement && e.parentElement.closest(boxes);
      if (box) { const b = box.getBoundingClientRect(); if (r.left < b.left - 1 || r.right > b.right + 1) where = desc(box); }
    }
    const cs = getComputedStyle(e);
    if (!where && cs.display !== 'inline' && e.clientWidth > 0 && e.scrollWidth > e.clientWidth + 1 && cs.overflowX === 'visible') where = 'its own box (text overflows)';
    if (where) out.push(desc(e) + ' [' + Math.round(r.left) + '..' + Math.round(r.right) + '] outside ' + where + ': ' + (e.innerText || '').trim().slice(0, 40));
  }
  const em = parseFloat(getComputedStyle(document.documentElement).fontSize);
  for (const e of document.querySelectorAll('li.cand > .info, li.cand > .decide, li.cand-excluded > *')) {
    const w = e.getBoundingClientRect().width;
    if (w > 0 && w < 15 * em) narrow.push(desc(e) + ' ' + Math.round(w) + 'px');
  }
  for (const e of document.querySelectorAll('time')) {
    if (e.getClientRects().length > 1) narrow.push('a date broken over two lines: ' + e.innerText);
  }
  return {scroll: document.documentElement.scrollWidth, inner: vw, height: document.documentElement.scrollHeight, out: out.slice(0, 12), narrow: narrow.slice(0, 12)};
})()`

// page is a page of the tour: who sees it, and where.
type page struct {
	name, user, path string
}

// TestResponsive lays out every main page at two phones' sizes and at a
// laptop's, in English (left to right) and Arabic (right to left), takes a
// screenshot of each, and fails when a page is wider than the viewport,
// when an element sticks out of the viewport or of its card, or when a
// candidate's column is squeezed to a word per line.
func TestResponsive(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		t.Skipf("no Chromium at %s (apt-get install chromium): %v", chromium, err)
	}
	w := newWorld(t)
	ctx := context.Background()
	c := w.caseOf(t)
	if len(c.Candidates) < 3 {
		t.Fatalf("the world's case has %d candidates", len(c.Candidates))
	}
	// Decisions with long reasons, in both scripts, and a possible match
	// for family viewing.
	rv := cases.Actor{Name: "rv", Role: auth.RoleReviewer, Via: auth.ViaSession}
	first, second := c.Candidates[0].Individual, c.Candidates[1].Individual
	if _, err := w.d.Cases.Decide(ctx, rv, w.caseID, first, cases.Possible,
		"نفس شكل الوجه والحاجبين، والصورة حديثة؛ الأنف والذقن متشابهان جداً. Same face shape and eyebrows; the photo is recent."); err != nil {
		t.Fatal(err)
	}
	if _, err := w.d.Cases.Decide(ctx, rv, w.caseID, second, cases.Excluded,
		"Different person: the chin and the nose differ, and the ears are set lower. شخص مختلف: الذقن والأنف مختلفان."); err != nil {
		t.Fatal(err)
	}
	// A group photo whose second face was chosen, and another waiting for
	// the caseworker to choose.
	if _, err := w.d.Cases.AddReference(ctx, owner, w.caseID, facetest.Photo(facetest.Spec{Person: 4, Variant: 5, Faces: 2}), 1, false, true); err != nil {
		t.Fatal(err)
	}
	cw := w.login(t, "cw")
	resp := cw.upload(t, "/cases/"+w.caseID+"/references", facetest.Photo(facetest.Spec{Person: 3, Variant: 4, Faces: 3}))
	pick := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(pick, "/faces/") {
		t.Fatalf("a group photo: %d to %q", resp.StatusCode, pick)
	}
	casePath := "/cases/" + w.caseID
	photoPage := casePath + "/candidates/" + url.PathEscape(first) + "/photo-page"
	tour := []page{
		{"cases", "cw", "/cases"},
		{"case-new", "cw", "/cases/new"},
		{"case-edit", "cw", casePath + "/edit"},
		{"case", "cw", casePath + "?weaker=1"},
		{"pick", "cw", pick},
		{"photo-warning", "cw", photoPage},
		{"photo", "cw", photoPage + "?confirm=1"},
		{"individual", "rv", casePath + "/candidates/" + url.PathEscape(first)},
		{"photo-of", "rv", casePath + "/candidates/" + url.PathEscape(first) + "/photos/" + c.Candidates[0].Photo + "?confirm=1"},
		{"audit", "admin", "/admin/audit"},
		{"family", "cw", casePath + "/family?agree=1"},
		{"account", "cw", "/account"},
		{"error", "cw", "/cases/no-such-case"},
		{"case-reviewer", "rv", casePath + "?weaker=1"},
		{"admin", "admin", "/admin"},
		{"login", "", "/login"},
	}
	shots := screenshotDir(t)
	browsers := map[string]context.Context{}
	for _, p := range tour {
		b, ok := browsers[p.user]
		if !ok {
			b = newBrowser(t)
			if p.user != "" {
				loginAs(t, b, w.srv.URL, p.user)
			}
			browsers[p.user] = b
		}
		for _, vp := range viewports {
			for _, lang := range []string{"en", "ar"} {
				name := fmt.Sprintf("%s-%s-%s", p.name, lang, vp.name)
				sep := "?"
				if strings.Contains(p.path, "?") {
					sep = "&"
				}
				do(t, b, name, chromedp.EmulateViewport(vp.width, vp.height, chromedp.EmulateScale(1)),
					chromedp.Navigate(w.srv.URL+p.path+sep+"lang="+lang))
				waitFor(t, b, `Array.from(document.images).every(i => i.complete)`)
				if dir := eval[string](t, b, `document.documentElement.dir`); dir != map[string]string{"en": "ltr", "ar": "rtl"}[lang] {
					t.Errorf("%s: dir=%q", name, dir)
				}
				f := eval[fit](t, b, measureFit)
				t.Logf("%-28s %4d px wide in %4d, %5d px tall", name, f.Scroll, f.Inner, f.Height)
				if f.Scroll > f.Inner {
					t.Errorf("%s: the page is %d px wide in a %d px viewport", name, f.Scroll, f.Inner)
				}
				for _, o := range f.Out {
					t.Errorf("%s: %s", name, o)
				}
				for _, n := range f.Narrow {
					t.Errorf("%s: squeezed: %s", name, n)
				}
				if vp.shot {
					pageShot(t, b, shots, name+".png", vp.width, int64(f.Height))
				}
			}
		}
	}
}

// pageShot writes the whole page as a PNG into dir: the viewport is made as
// tall as the page (height) at the same width, and captured. (Chromium's
// capture beyond the viewport shifts a right-to-left page sideways.)
func pageShot(t *testing.T, ctx context.Context, dir, name string, width, height int64) {
	t.Helper()
	do(t, ctx, "tall viewport", chromedp.EmulateViewport(width, height, chromedp.EmulateScale(1)))
	b, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
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

package web_test

import (
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/facetriage/facetriage/internal/engine/facetest"
)

// focused describes the focused element: the rank of its candidate (if
// any), its tag, name and class.
const focused = `(() => { const e = document.activeElement, li = e.closest('li.cand');
  return (li ? li.dataset.rank : '') + '|' + e.tagName.toLowerCase() + '|' + (e.name || '') + '|' + (typeof e.className === 'string' ? e.className : ''); })()`

// TestKeyboardUse: the first Tab reaches a visible skip link that moves
// the focus to the content; the focus ring is at least 3 px; each
// candidate is one tab stop, plus the reviewer's decision controls (the
// verdict, the reason, the button).
func TestKeyboardUse(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		t.Skipf("no Chromium at %s (apt-get install chromium): %v", chromium, err)
	}
	w := newWorld(t)
	b := newBrowser(t)
	loginAs(t, b, w.srv.URL, "rv")
	do(t, b, "case page", chromedp.EmulateViewport(390, 844), chromedp.Navigate(w.srv.URL+"/cases/"+w.caseID+"?weaker=1&lang=ar"),
		chromedp.KeyEvent(kb.Tab))
	if got := eval[string](t, b, focused); !strings.Contains(got, "|a|") || !strings.Contains(got, "skip") {
		t.Fatalf("the first Tab focuses %q, want the skip link", got)
	}
	ring := `(() => { const s = getComputedStyle(document.activeElement); return s.outlineStyle === 'solid' && parseFloat(s.outlineWidth) >= 3; })()`
	if !eval[bool](t, b, ring) {
		t.Error("the focused skip link has no ring of at least 3 px")
	}
	if !eval[bool](t, b, `(() => { const r = document.activeElement.getBoundingClientRect(); return r.top >= 0 && r.left >= 0 && r.right <= innerWidth; })()`) {
		t.Error("the focused skip link is not on the screen")
	}
	do(t, b, "enter", chromedp.KeyEvent(kb.Enter))
	waitFor(t, b, `document.activeElement.id === "main"`)

	stops := map[string][]string{}
	for i := 0; i < 120; i++ {
		do(t, b, "tab", chromedp.KeyEvent(kb.Tab))
		f := eval[string](t, b, focused)
		rank, rest, _ := strings.Cut(f, "|")
		if strings.HasPrefix(rest, "body") {
			break
		}
		if rank != "" {
			stops[rank] = append(stops[rank], rest)
			if len(stops[rank]) == 1 && !eval[bool](t, b, ring) {
				t.Errorf("candidate %s's first tab stop has no ring of at least 3 px", rank)
			}
		}
	}
	n := eval[int](t, b, `document.querySelectorAll("#ranked li.cand").length`)
	if len(stops) != n || n < 3 {
		t.Fatalf("tab stops reached %d of %d candidates: %v", len(stops), n, stops)
	}
	for rank, s := range stops {
		if len(s) != 4 || !strings.HasPrefix(s[0], "a|") || !strings.HasPrefix(s[1], "input|verdict") || !strings.HasPrefix(s[2], "textarea|reason") || !strings.HasPrefix(s[3], "button|") {
			t.Errorf("candidate %s has tab stops %v, want the face link, the verdict, the reason and the button", rank, s)
		}
	}
}

// TestFacePickerByClick: the face picker shows each face as a thumbnail;
// clicking a thumbnail, or a face in the photo, picks it; after the pick
// the case page frames the chosen face of the group photo.
func TestFacePickerByClick(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		t.Skipf("no Chromium at %s (apt-get install chromium): %v", chromium, err)
	}
	w := newWorld(t)
	resp := w.login(t, "cw").upload(t, "/cases/"+w.caseID+"/references", facetest.Photo(facetest.Spec{Person: 5, Variant: 7, Faces: 3}))
	pick := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.Contains(pick, "/faces/") {
		t.Fatalf("a group photo: %d to %q", resp.StatusCode, pick)
	}
	b := newBrowser(t)
	loginAs(t, b, w.srv.URL, "cw")
	do(t, b, "pick page", chromedp.Navigate(w.srv.URL+pick))
	if n := eval[int](t, b, `document.querySelectorAll("label.face-choice svg.face-thumb image").length`); n != 3 {
		t.Fatalf("%d face thumbnails, want 3", n)
	}
	checked := `(document.querySelector('input[name="face"]:checked') || {value: "none"}).value`
	do(t, b, "click thumbnail", chromedp.Click(chromedp.CSS(`label.face-choice[data-face="0"] svg`)))
	if got := eval[string](t, b, checked); got != "0" {
		t.Errorf("after clicking face 1's thumbnail, the chosen face is %s", got)
	}
	// The fake engine's faces overlap (face k spans x = k..k+10 of 32):
	// the last is on top.
	if _, err := chromedp.RunResponse(b, chromedp.Click(chromedp.CSS(`svg.pick-photo g.facebox[data-face="2"] rect`))); err != nil {
		t.Fatalf("click face 3 in the photo: %v", err)
	}
	if got := eval[string](t, b, checked); got != "2" {
		t.Errorf("after clicking face 3 in the photo, the chosen face is %s", got)
	}
	if n := eval[int](t, b, `document.querySelectorAll('svg.pick-photo g.facebox.chosen[data-face="2"]').length`); n != 1 {
		t.Error("the face clicked is not marked in the photo")
	}
	submit(t, b, `#pick-form button[type="submit"]`)
	if got := eval[string](t, b, `Array.from(document.querySelectorAll("#references [data-chosen-face]")).map(e => e.dataset.chosenFace + "/" + e.innerText).join()`); !strings.HasPrefix(got, "3/") || !strings.Contains(got, "3 of 3") {
		t.Errorf("the case page says of the group photo: %q, want face 3 of 3", got)
	}
	if n := eval[int](t, b, `document.querySelectorAll("#references svg.ref-group g.facebox.chosen").length`); n != 1 {
		t.Errorf("%d faces framed as chosen in the group photo, want 1", n)
	}
	if got := eval[string](t, b, `document.querySelectorAll("#references svg.ref-group g.facebox").length + ""`); got != "3" {
		t.Errorf("%s faces drawn on the group photo, want 3", got)
	}
}

package web_test

import (
	"context"
	"net/http"
	"os"
	"testing"

	"github.com/chromedp/chromedp"
)

// TestCaseworkActionsInABrowser: in a real Chromium, the actions the API
// and the pages share. A reviewer marks the numbered candidate possible
// and is not offered "identified"; a second reviewer identifies it and
// exports the evidence from the case page; the caseworker removes a
// reference photo with a reason; the admin unlocks a locked account and
// revokes a token.
func TestCaseworkActionsInABrowser(t *testing.T) {
	if _, err := os.Stat(chromium); err != nil {
		t.Skipf("no Chromium at %s (apt-get install chromium): %v", chromium, err)
	}
	w := newWorld(t)
	ctx := context.Background()
	const ind = "caesar/215/4321"
	card := `li.cand[data-individual="` + ind + `"]`
	casePage := w.srv.URL + "/cases/" + w.caseID

	decide := func(b context.Context, verdict, reason string) {
		t.Helper()
		do(t, b, "decide "+verdict, chromedp.Navigate(casePage),
			chromedp.Click(chromedp.CSS(card+` input[value="`+verdict+`"]`)),
			chromedp.SendKeys(chromedp.CSS(card+` textarea[name="reason"]`), reason))
		submit(t, b, card+` form.decide button[type="submit"]`)
	}

	// Four eyes: the reviewer who marks possible cannot identify.
	rv := newBrowser(t)
	loginAs(t, rv, w.srv.URL, "rv")
	decide(rv, "possible", "the same scar above the eyebrow")
	do(t, rv, "case page", chromedp.Navigate(casePage))
	if got := eval[string](t, rv, `document.querySelector('`+card+`').dataset.verdict`); got != "possible" {
		t.Fatalf("after marking possible the candidate is %q", got)
	}
	if !eval[bool](t, rv, `document.querySelector('`+card+` input[value="identified"]').disabled`) {
		t.Error("the reviewer who marked the candidate possible is offered to identify it")
	}
	rv2 := newBrowser(t)
	loginAs(t, rv2, w.srv.URL, "rv2")
	decide(rv2, "identified", "the scar, and the ring the family described")
	do(t, rv2, "case page", chromedp.Navigate(casePage))
	if got := eval[string](t, rv2, `document.querySelector('`+card+`').dataset.verdict`); got != "identified" {
		t.Fatalf("after the second reviewer, the candidate is %q; page says: %s", got, eval[string](t, rv2, `document.querySelector("main").innerText`))
	}

	// Export from the case page: the link answers a zip.
	href := eval[string](t, rv2, `document.querySelector("#export").href`)
	got, err := chromedp.Run(rv2, chromedp.Evaluate[string](`fetch(`+jsString(href)+`).then(r => r.status + " " + r.headers.get("content-type"))`, chromedp.EvalAwaitPromise))
	if err != nil || got != "200 application/zip" {
		t.Errorf("the export link: %q, %v", got, err)
	}

	// The caseworker removes the reference photo, with a reason.
	c := w.caseOf(t)
	ref := c.References[0].ID
	cw := newBrowser(t)
	loginAs(t, cw, w.srv.URL, "cw")
	do(t, cw, "remove", chromedp.Navigate(casePage),
		chromedp.Click(chromedp.CSS(`details.remove-ref summary`)),
		chromedp.SendKeys(chromedp.CSS(`#remove-`+ref), "a photo of his cousin, given by mistake"))
	submit(t, cw, `details.remove-ref button[type="submit"]`)
	if c := w.caseOf(t); len(c.References) != 0 {
		t.Errorf("after removal the case has %d references", len(c.References))
	}

	// The admin unlocks a locked account and revokes a token.
	for i := 0; i < 6; i++ {
		w.d.Auth.Login(ctx, "rv2", "wrong password!", "")
	}
	tok, _, err := w.d.Auth.CreateToken(ctx, "cw", "a batch job", 0)
	if err != nil {
		t.Fatal(err)
	}
	admin := newBrowser(t)
	loginAs(t, admin, w.srv.URL, "admin")
	do(t, admin, "admin page", chromedp.Navigate(w.srv.URL+"/admin"))
	submit(t, admin, `tr[data-user="rv2"] button[value="unlock"]`)
	if _, err := w.d.Auth.Login(ctx, "rv2", password, ""); err != nil {
		t.Errorf("after unlocking, rv2 cannot log in: %v", err)
	}
	tokens, err := w.d.Auth.Tokens(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var id string
	for _, tk := range tokens {
		if tk.Label == "a batch job" {
			id = tk.ID
		}
	}
	do(t, admin, "admin page", chromedp.Navigate(w.srv.URL+"/admin"))
	submit(t, admin, `tr[data-token="`+id+`"] button[type="submit"]`)
	req, _ := http.NewRequest("GET", w.srv.URL+"/api/v1/me", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnauthorized {
		t.Errorf("the revoked token: %d, want 401", resp.StatusCode)
	}
}

// jsString quotes s for JavaScript.
func jsString(s string) string {
	b := []byte{'"'}
	for _, r := range s {
		switch r {
		case '"', '\\':
			b = append(b, '\\', byte(r))
		default:
			b = append(b, string(r)...)
		}
	}
	return string(append(b, '"'))
}

package web

import (
	"bytes"
	"net/http"
	"net/url"
	"strings"

	"github.com/facetriage/facetriage/internal/api"
	"github.com/facetriage/facetriage/internal/auth"
)

// view is what every page template gets: the language, who is logged in,
// the CSRF token for its forms, messages, and the page's own Data.
type view struct {
	Lang, Dir           string
	OtherLang, LangName string
	LangURL             string
	User                string
	Role                auth.Role
	CSRFField, CSRF     string
	Title               string
	Flash, Error        string
	Data                any
	// Family is family viewing, a screen of its own: no navigation, no
	// names or roles, one way out (ExitURL, back to the case).
	Family  bool
	ExitURL string

	msgs catalogues
}

// T translates a message key; {1}, {2}... take args.
func (v *view) T(key string, args ...any) string { return v.msgs.translate(v.Lang, key, args...) }

// Is says whether the viewer has role r.
func (v *view) Is(r string) bool { return string(v.Role) == r }

// newView starts a page's view for the request: its language (setting the
// cookie when ?lang= asks), the identity, and the flash message named by
// ?msg= (known keys only).
func (u *ui) newView(w http.ResponseWriter, r *http.Request, titleKey string) *view {
	id, ok := api.IdentityOf(r)
	return u.viewAs(w, r, titleKey, id, ok)
}

// viewAs is newView for identity id (none unless ok).
func (u *ui) viewAs(w http.ResponseWriter, r *http.Request, titleKey string, id auth.Identity, ok bool) *view {
	lang := chooseLang(w, r, u.d.Secure)
	v := &view{Lang: lang, CSRFField: auth.CSRFField, msgs: u.msgs}
	v.Dir, v.OtherLang, v.LangName = langInfo(lang)
	v.Title = v.T(titleKey)
	if ok {
		v.User, v.Role = id.Name, id.Role
		if id.Session != nil {
			v.CSRF = id.Session.CSRF
		}
	}
	self := *r.URL
	if r.Method != http.MethodGet {
		self = url.URL{Path: r.URL.Path}
	}
	v.LangURL = withQuery(self.Path, self.Query(), "lang", v.OtherLang, "msg", "", "err", "")
	if m := r.URL.Query().Get("msg"); m != "" && u.msgs.has("flash."+m) {
		v.Flash = v.T("flash." + m)
	}
	if e := r.URL.Query().Get("err"); e != "" && u.msgs.has("err."+e) {
		v.Error = v.T("err." + e)
	}
	return v
}

// withQuery returns path with q, setting each name to its value (an empty
// value removes it).
func withQuery(path string, q url.Values, kv ...string) string {
	q2 := url.Values{}
	for k, vs := range q {
		q2[k] = append([]string(nil), vs...)
	}
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == "" {
			q2.Del(kv[i])
		} else {
			q2.Set(kv[i], kv[i+1])
		}
	}
	if len(q2) == 0 {
		return path
	}
	return path + "?" + q2.Encode()
}

// render executes a page into a buffer first, so that a template error
// becomes a clean 500 and not half a page.
func (u *ui) render(w http.ResponseWriter, status int, name string, v *view) {
	var b bytes.Buffer
	if err := u.pages[name].ExecuteTemplate(&b, "layout", v); err != nil {
		u.d.Log.Error("web: rendering a page", "page", name, "err", err)
		http.Error(w, "internal error", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	_, _ = b.WriteTo(w)
}

// fail renders the error page for err, with the status it deserves.
func (u *ui) fail(w http.ResponseWriter, r *http.Request, err error) {
	status, key := errorKey(err)
	if status == http.StatusInternalServerError {
		u.d.Log.Error("web: request failed", "path", r.URL.Path, "err", err)
	}
	v := u.newView(w, r, "error.title")
	v.Error = v.T("err." + key)
	u.render(w, status, "error", v)
}

// pageError answers a page request the permission matrix refused. The
// matrix refuses before it hands the identity on: it is read again, so
// that the error page keeps the navigation of whoever is logged in.
func (u *ui) pageError(w http.ResponseWriter, r *http.Request, status int, msg string) {
	key := "forbidden"
	if strings.Contains(msg, "CSRF") {
		key = "csrf"
	}
	id, err := u.d.Auth.Identify(r)
	v := u.viewAs(w, r, "error.title", id, err == nil)
	v.Error = v.T("err." + key)
	u.render(w, status, "error", v)
}

// back redirects to path (which may end in a #fragment) with a flash
// message (param "msg") or an error (param "err") named by key.
func back(w http.ResponseWriter, r *http.Request, path, param, key string) {
	path, frag, _ := strings.Cut(path, "#")
	to := withQuery(path, nil, param, key)
	if frag != "" {
		to += "#" + frag
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

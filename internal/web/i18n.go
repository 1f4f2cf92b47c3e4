package web

import (
	"embed"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"golang.org/x/text/language"
)

// The UI's languages; the first is the default.
var languages = []struct {
	code, name, dir string
	tag             language.Tag
}{
	{"en", "English", "ltr", language.English},
	{"ar", "العربية", "rtl", language.Arabic},
}

// LangCookie remembers the language a person chose.
const LangCookie = "ft_lang"

//go:embed messages/*.json
var messageFS embed.FS

// catalogues maps a language code to its messages.
type catalogues map[string]map[string]string

func loadCatalogues() (catalogues, error) {
	c := catalogues{}
	for _, l := range languages {
		b, err := messageFS.ReadFile("messages/" + l.code + ".json")
		if err != nil {
			return nil, fmt.Errorf("web: catalogue %s: %w", l.code, err)
		}
		m := map[string]string{}
		if err := json.Unmarshal(b, &m); err != nil {
			return nil, fmt.Errorf("web: catalogue %s: %w", l.code, err)
		}
		c[l.code] = m
	}
	return c, nil
}

// translate returns the message key in lang with {1}, {2}... replaced by
// args. A missing key shows as itself, so that it is seen and fixed (the
// tests check that every key used exists).
func (c catalogues) translate(lang, key string, args ...any) string {
	msg, ok := c[lang][key]
	if !ok {
		if msg, ok = c["en"][key]; !ok {
			return key
		}
	}
	if len(args) == 0 {
		return msg
	}
	pairs := make([]string, 0, 2*len(args))
	for i, a := range args {
		pairs = append(pairs, "{"+strconv.Itoa(i+1)+"}", fmt.Sprint(a))
	}
	return strings.NewReplacer(pairs...).Replace(msg)
}

func (c catalogues) has(key string) bool {
	_, ok := c["en"][key]
	return ok
}

var matcher = language.NewMatcher([]language.Tag{languages[0].tag, languages[1].tag})

func known(code string) bool {
	for _, l := range languages {
		if l.code == code {
			return true
		}
	}
	return false
}

// chooseLang picks the page's language: ?lang= (then remembered in a
// cookie), else the cookie, else Accept-Language, else English.
func chooseLang(w http.ResponseWriter, r *http.Request, secure bool) string {
	if q := r.URL.Query().Get("lang"); known(q) {
		http.SetCookie(w, &http.Cookie{Name: LangCookie, Value: q, Path: "/", MaxAge: 365 * 24 * 3600,
			HttpOnly: true, Secure: secure, SameSite: http.SameSiteStrictMode})
		return q
	}
	if c, err := r.Cookie(LangCookie); err == nil && known(c.Value) {
		return c.Value
	}
	if h := r.Header.Get("Accept-Language"); h != "" {
		_, i, conf := matcher.Match(parseAccept(h)...)
		if conf != language.No {
			return languages[i].code
		}
	}
	return languages[0].code
}

func parseAccept(h string) []language.Tag {
	tags, _, err := language.ParseAcceptLanguage(h)
	if err != nil {
		return nil
	}
	return tags
}

func langInfo(code string) (dir, otherCode, otherName string) {
	for i, l := range languages {
		if l.code == code {
			o := languages[(i+1)%len(languages)]
			return l.dir, o.code, o.name
		}
	}
	return "ltr", languages[1].code, languages[1].name
}

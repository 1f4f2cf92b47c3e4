package archive

import (
	"testing"
	"time"
)

func TestNameParser(t *testing.T) {
	p, err := NewNameParser(DefaultPatterns)
	if err != nil {
		t.Fatal(err)
	}
	day := time.Date(2013, 5, 12, 0, 0, 0, 0, time.UTC)
	cases := []struct {
		path string
		want NameMeta
	}{
		{"/archive/215_04321_Ahmad_2013-05-12.jpg", NameMeta{Number: "4321", Photographer: "Ahmad", Branch: "215", Date: day, Pattern: 0}},
		{"cache.zip!dir/227-555-سامر-20130512.JPG", NameMeta{Number: "555", Photographer: "سامر", Branch: "227", Date: day, Pattern: 0}},
		{"x/4321_2013-05-12.png", NameMeta{Number: "4321", Date: day, Pattern: 1}},
		{"tzuyu.jpg", NameMeta{Pattern: -1}},
	}
	for _, tc := range cases {
		if got := p.Parse(tc.path); got != tc.want {
			t.Errorf("%s: got %+v, want %+v", tc.path, got, tc.want)
		}
	}
}

func TestNameParserRefusesBadPatterns(t *testing.T) {
	for _, pat := range []string{`(`, `(?P<detainee>\d+)`, `\d+`} {
		if _, err := NewNameParser([]string{pat}); err == nil {
			t.Errorf("pattern %q accepted", pat)
		}
	}
}

func TestIndividualKeys(t *testing.T) {
	numbered := Photo{SHA256: "ab", Source: "caesar", Name: NameMeta{Number: "4321", Branch: "215"}}
	if got := numbered.Individual(2); got != "caesar/215/4321" {
		t.Errorf("numbered photo: %s", got)
	}
	if got := (Photo{SHA256: "ab"}).Individual(2); got != "face:ab:2" {
		t.Errorf("photo without number: %s", got)
	}
}

package archive

import (
	"fmt"
	"path"
	"regexp"
	"strings"
	"time"
)

// NameMeta is what a photo's file name says. Archive photos are named by
// the people who took them; the name often carries the detainee number, the
// photographer, the date and the security branch.
type NameMeta struct {
	Number       string    `json:"number,omitempty"`
	Photographer string    `json:"photographer,omitempty"`
	Branch       string    `json:"branch,omitempty"`
	Date         time.Time `json:"date,omitzero"`
	// Pattern is the index of the pattern that matched, or -1.
	Pattern int `json:"pattern"`
}

// DefaultPatterns match names such as "215_4321_Ahmad_2013-05-12.jpg"
// (branch, number, photographer, date) and "4321-2013-05-12.jpg". Real
// archives need their own: pass --pattern.
var DefaultPatterns = []string{
	`^(?P<branch>\d{2,4})[_\- ](?P<number>\d{3,7})[_\- ](?P<photographer>\p{L}+)[_\- ](?P<date>\d{4}-\d{2}-\d{2}|\d{8})`,
	`^(?P<number>\d{3,7})[_\- ](?P<date>\d{4}-\d{2}-\d{2}|\d{8})`,
}

// groups a pattern may name.
var knownGroups = map[string]bool{"number": true, "photographer": true, "branch": true, "date": true}

// NameParser applies file-name patterns in order; the first match wins.
type NameParser struct {
	res []*regexp.Regexp
}

// NewNameParser compiles patterns: regular expressions (Go syntax) with
// named groups number, photographer, date and branch, matched against the
// file name without its extension.
func NewNameParser(patterns []string) (*NameParser, error) {
	p := &NameParser{}
	for i, s := range patterns {
		re, err := regexp.Compile(s)
		if err != nil {
			return nil, fmt.Errorf("archive: pattern %d %q: %w", i+1, s, err)
		}
		named := 0
		for _, g := range re.SubexpNames()[1:] {
			if g == "" {
				continue
			}
			if !knownGroups[g] {
				return nil, fmt.Errorf("archive: pattern %d %q: unknown group %q (want number, photographer, date or branch)", i+1, s, g)
			}
			named++
		}
		if named == 0 {
			return nil, fmt.Errorf("archive: pattern %d %q names no group", i+1, s)
		}
		p.res = append(p.res, re)
	}
	return p, nil
}

// dateLayouts are tried in order on a date group.
var dateLayouts = []string{"2006-01-02", "20060102", "2006_01_02", "2006.01.02", "02-01-2006", "02.01.2006", "02_01_2006"}

// Parse reads the metadata from a path's file name (for an archive member,
// the member's name). A name no pattern matches gives Pattern −1.
func (p *NameParser) Parse(photoPath string) NameMeta {
	if i := strings.LastIndexByte(photoPath, '!'); i >= 0 {
		photoPath = photoPath[i+1:]
	}
	base := path.Base(strings.ReplaceAll(photoPath, "\\", "/"))
	base = strings.TrimSuffix(base, path.Ext(base))
	for i, re := range p.res {
		m := re.FindStringSubmatch(base)
		if m == nil {
			continue
		}
		meta := NameMeta{Pattern: i}
		for j, g := range re.SubexpNames() {
			v := strings.TrimSpace(m[j])
			switch g {
			case "number":
				meta.Number = strings.TrimLeft(v, "0")
				if meta.Number == "" && v != "" {
					meta.Number = "0"
				}
			case "photographer":
				meta.Photographer = v
			case "branch":
				meta.Branch = v
			case "date":
				meta.Date = parseDate(v)
			}
		}
		return meta
	}
	return NameMeta{Pattern: -1}
}

func parseDate(s string) time.Time {
	for _, l := range dateLayouts {
		if t, err := time.Parse(l, s); err == nil {
			return t
		}
	}
	return time.Time{}
}

package cli

import (
	"fmt"
	"io"
	"sort"
	"strings"
	"text/tabwriter"

	"github.com/facetriage/facetriage/internal/archive"
)

// searchCosts gathers what the search for faces cost, photo by photo.
type searchCosts struct {
	photos  []archive.Photo // those with a recorded search
	byLevel map[string]int
}

func (s *searchCosts) add(p archive.Photo) {
	if p.FaceSearch == nil {
		return
	}
	if s.byLevel == nil {
		s.byLevel = map[string]int{}
	}
	s.photos = append(s.photos, p)
	s.byLevel[p.FaceSearch.Level]++
}

// write prints how many photos each level of the search took, the median
// time, and the slowest photos (at most limit; 0: none listed).
func (s *searchCosts) write(w io.Writer, limit int) error {
	if len(s.photos) == 0 {
		_, err := fmt.Fprintln(w, "face search: no photo searched yet")
		return err
	}
	sort.Slice(s.photos, func(i, j int) bool { return s.photos[i].FaceSearch.Seconds > s.photos[j].FaceSearch.Seconds })
	levels := make([]string, 0, len(s.byLevel))
	for l, n := range s.byLevel {
		if l == "" {
			l = "unknown"
		}
		levels = append(levels, fmt.Sprintf("%s %d", l, n))
	}
	sort.Strings(levels)
	var total float64
	over := 0
	for _, p := range s.photos {
		total += p.FaceSearch.Seconds
		if p.FaceSearch.OverBudget {
			over++
		}
	}
	median := s.photos[len(s.photos)/2].FaceSearch.Seconds
	fmt.Fprintf(w, "face search: %d photos, %.1f s in all, median %.2f s; how far it went: %s; stopped by the budget: %d\n",
		len(s.photos), total, median, strings.Join(levels, ", "), over)
	if limit <= 0 {
		return nil
	}
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "SLOWEST\tSECONDS\tLEVEL\tVIEWS\tCHIPS\tFACES\tSHA-256\tPATH")
	for i, p := range s.photos {
		if i == limit {
			break
		}
		fs := p.FaceSearch
		level := fs.Level
		if fs.OverBudget {
			level += " (over budget)"
		}
		path := ""
		if len(p.Paths) > 0 {
			path = p.Paths[0]
		}
		fmt.Fprintf(tw, "%d\t%.2f\t%s\t%d\t%d\t%d\t%s\t%s\n", i+1, fs.Seconds, shown(level), fs.Views, fs.Chips, p.Faces, p.SHA256, shown(path))
	}
	return tw.Flush()
}

package eval

import (
	"math"
	"sort"
	"strings"

	"github.com/facetriage/facetriage/internal/match"
)

// Words are the product's words and the rates they stand for.
func Words(r match.Rates) []Word {
	return []Word{{"strong", r.Strong}, {"possible", r.Possible}, {"weak", r.Weak}}
}

// Word is one strength and its rate.
type Word struct {
	Name string  `json:"word"`
	Rate float64 `json:"rate"`
}

// WordCheck is one word measured on one dataset at its own size.
type WordCheck struct {
	Word
	// Distance is where the model says the word starts at the dataset's
	// size (its non-mated searches' mean M).
	Distance float64 `json:"distance"`
	// FalsePositives of Searches non-mated searches showed someone at
	// the word's distance or nearer; FPIR and its 95 % interval.
	FalsePositives int        `json:"false_positives"`
	Searches       int        `json:"searches"`
	FPIR           float64    `json:"fpir"`
	CI             [2]float64 `json:"ci95"`
	// Verdict: "holds", "does not hold", or "too few searches".
	Verdict string `json:"verdict"`
	// FNIR: mated searches whose person is not first at the word's
	// distance or nearer.
	FNIR  float64 `json:"fnir"`
	Mated int     `json:"mated_searches"`
}

// Verdicts.
const (
	Holds     = "holds"
	Fails     = "does not hold"
	TooFew    = "too few searches"
	HoldsNear = "holds within noise"
)

// verdict judges k false positives in n searches against a rate: a word
// does not hold when even the interval's low end lies above its rate;
// with fewer than 3/rate searches a rate cannot be measured (no false
// positive at all would still leave it possible).
func verdict(k, n int, rate float64) string {
	lo, _ := wilson(k, n)
	switch {
	case lo > rate:
		return Fails
	case float64(n) < 3/rate:
		return TooFew
	case float64(k)/float64(n) <= rate:
		return Holds
	default:
		return HoldsNear
	}
}

// CheckWords measures each word at a dataset's own size, from its
// outcomes against the whole gallery, with the word's distance from the
// model at each search's own M.
func CheckWords(m FPIRModel, words []Word, mated, non []Outcome) []WordCheck {
	var out []WordCheck
	var meanM float64
	for _, oc := range non {
		meanM += float64(oc.Faces)
	}
	meanM /= math.Max(1, float64(len(non)))
	at := distanceMemo(m)
	for _, w := range words {
		c := WordCheck{Word: w, Distance: m.Distance(w.Rate, int(math.Round(meanM))), Searches: len(non), Mated: len(mated)}
		for _, oc := range non {
			if oc.First <= at(w.Rate, oc.Faces) {
				c.FalsePositives++
			}
		}
		c.FPIR = float64(c.FalsePositives) / math.Max(1, float64(c.Searches))
		c.CI[0], c.CI[1] = wilson(c.FalsePositives, c.Searches)
		c.Verdict = verdict(c.FalsePositives, c.Searches, w.Rate)
		miss := 0
		for _, oc := range mated {
			if oc.Rank != 1 || oc.Mate > at(w.Rate, oc.Faces) {
				miss++
			}
		}
		c.FNIR = float64(miss) / math.Max(1, float64(len(mated)))
		out = append(out, c)
	}
	return out
}

// PopulationResult is one labelled set, checked on its own.
type PopulationResult struct {
	Name       string `json:"name"`
	About      string `json:"about,omitempty"`
	Photos     int    `json:"photos"`
	NoFace     int    `json:"photos_without_face"`
	Identities int    `json:"identities"`
	// Faces is the gallery's size M (main faces); the searches are every
	// photo with a face, against all the others (leave one out).
	Faces int         `json:"faces"`
	Words []WordCheck `json:"words"`
	// Pairs of main faces of two different people, and q at the
	// distances Q lists.
	Pairs int64        `json:"impostor_pairs"`
	Q     [][2]float64 `json:"q"`
	// Shift is how much nearer its impostor pairs lie than LFW's, at the
	// q of ShiftAt (the nearest level with at least 10 of its pairs).
	Shift   float64 `json:"shift"`
	ShiftAt float64 `json:"shift_at_q"`
	// Median impostor and genuine pair distances.
	ImpostorMedian float64 `json:"impostor_median"`
	GenuineMedian  float64 `json:"genuine_median"`
}

// QDistances are where the population table reads q.
var QDistances = []float64{0.4, 0.45, 0.5, 0.55, 0.6}

// CheckPopulation lays a set out leave-one-out (main faces) and checks
// each word at its size, and compares its impostor pairs with the
// reference set's.
func CheckPopulation(name string, photos []Photo, m FPIRModel, words []Word, ref *Impostors, sc Scorer) PopulationResult {
	photos = MainFaces(photos)
	o := LeaveOneOutOpenSet(photos)
	res := PopulationResult{Name: name, Photos: len(photos), NoFace: o.NoFace, Identities: o.Individuals(), Faces: len(o.Faces)}
	d := o.DrawGallery(o.Individuals(), nil)
	mated, non := splitOutcomes(o.Outcomes(d, sc))
	res.Words = CheckWords(m, words, mated, non)
	im := MeasureImpostors(photos, 0.001, 2)
	res.Pairs = im.Pairs
	for _, x := range QDistances {
		res.Q = append(res.Q, [2]float64{x, im.Q(x)})
	}
	res.ImpostorMedian = im.DistanceAtQ(0.5)
	res.GenuineMedian = genuineMedian(photos)
	res.Shift, res.ShiftAt = shiftAgainst(im, ref)
	return res
}

// shiftAgainst is how much nearer im's impostors lie than ref's, at the
// smallest q at which im counts at least 10 pairs (at least 1 %).
func shiftAgainst(im, ref *Impostors) (shift, at float64) {
	if im.Pairs == 0 || ref == nil {
		return 0, 0
	}
	at = math.Max(10/float64(im.Pairs), 0.01)
	return ref.DistanceAtQ(at) - im.DistanceAtQ(at), at
}

func genuineMedian(photos []Photo) float64 {
	by := map[string][]int{}
	for i, p := range photos {
		if len(p.Descriptors) > 0 {
			by[p.Identity] = append(by[p.Identity], i)
		}
	}
	var ds []float64
	for _, ix := range by {
		for a := range ix {
			for b := a + 1; b < len(ix); b++ {
				ds = append(ds, photos[ix[a]].Descriptors[0].Distance(photos[ix[b]].Descriptors[0]))
			}
		}
	}
	sort.Float64s(ds)
	return quantile(ds, 0.5)
}

// PopulationsOf splits a labelled set into populations by the prefix of
// its identities ("5celeb:ben_afflek" is in NAME/5celeb); a set without
// prefixes is one population, NAME. Names come sorted.
func PopulationsOf(name string, samples []Sample) ([]string, map[string][]Sample) {
	by := map[string][]Sample{}
	for _, s := range samples {
		set := name
		if i := strings.Index(s.Identity, ":"); i > 0 {
			set = name + "/" + s.Identity[:i]
		}
		by[set] = append(by[set], s)
	}
	names := make([]string, 0, len(by))
	for n := range by {
		names = append(names, n)
	}
	sort.Strings(names)
	return names, by
}

// SingleFaced leaves out the photos with more than one face: in a set
// labelled by file names, the label cannot say which face it names.
func SingleFaced(photos []Photo) (kept []Photo, left int) {
	for _, p := range photos {
		if len(p.Descriptors) > 1 {
			left++
			continue
		}
		kept = append(kept, p)
	}
	return kept, left
}

// GuardResult is the open-set regression guard's measurement.
type GuardResult struct {
	Mated, NonMated, Faces int
	// FNIR at the threshold the searches' own FPIR sets, and at the
	// model's distance for the same rate.
	Threshold, FNIR                     float64
	ModelDistance, ModelFNIR, ModelFPIR float64
}

// OpenSetGuard lays photos out leave-one-out and measures FNIR at one
// FPIR, empirically and at the model's distance.
func OpenSetGuard(photos []Photo, th match.Thresholds, rate float64) GuardResult {
	o := LeaveOneOutOpenSet(photos)
	mated, non := splitOutcomes(o.Outcomes(o.DrawGallery(o.Individuals(), nil), NearestFace{}))
	g := GuardResult{Mated: len(mated), NonMated: len(non), Faces: len(o.Faces)}
	g.Threshold = ThresholdAt(rank1Scores(non), rate)
	g.FNIR = FNIR(mated, g.Threshold, 1)
	c := CheckWords(th.Model, []Word{{"possible", rate}}, mated, non)[0]
	g.ModelDistance, g.ModelFNIR, g.ModelFPIR = c.Distance, c.FNIR, c.FPIR
	return g
}

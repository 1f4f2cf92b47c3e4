package match

import (
	"fmt"
	"strconv"
	"strings"
)

// Assessment is what a search's distance means at the archive's size.
type Assessment struct {
	Strength Strength `json:"strength"`
	// FPIR is the share of searches of this archive, without the person,
	// that show a face this close (the model's estimate).
	FPIR float64 `json:"fpir"`
	// Faces and Individuals are the archive's size when it was searched.
	Faces       int `json:"faces"`
	Individuals int `json:"individuals"`
	// Meaning says it in a sentence, in English (the web UI says it in the
	// reader's language).
	Meaning string `json:"meaning"`
	// Normalised: the strength was read from the normalised score, which
	// weighs the distance against how near the archive lies to both faces.
	Normalised bool `json:"normalised,omitempty"`
}

// Assess names the strength of a distance found by a search of an archive
// of faces faces (individuals people): strong when a search without the
// person shows a face this close at most Rates.Strong of the time, and so
// on.
func (t Thresholds) Assess(distance float64, faces, individuals int) Assessment {
	return t.assess(t.Model, distance, faces, individuals)
}

// AssessScore names the strength of a normalised score
// (Normalisation.Score) found by a search of an archive of faces faces,
// from the normalised model. It is Assess when the thresholds have no
// normalisation.
func (t Thresholds) AssessScore(score float64, faces, individuals int) Assessment {
	if t.Normalised == nil {
		return t.Assess(score, faces, individuals)
	}
	a := t.assess(t.Normalised.Model, score, faces, individuals)
	a.Normalised = true
	return a
}

// Normalises says whether a search of an archive of faces faces is
// scored by the normalised score.
func (t Thresholds) Normalises(faces int) bool {
	return t.Normalised != nil && faces >= t.Normalised.MinFaces
}

func (t Thresholds) assess(m Model, x float64, faces, individuals int) Assessment {
	a := Assessment{FPIR: m.FPIR(x, faces), Faces: faces, Individuals: individuals}
	switch {
	case a.FPIR <= t.Rates.Strong:
		a.Strength = Strong
	case a.FPIR <= t.Rates.Possible:
		a.Strength = Possible
	case a.FPIR <= t.Rates.Weak:
		a.Strength = Weak
	default:
		a.Strength = Unlikely
	}
	a.Meaning = t.Meaning(a.Strength, individuals)
	return a
}

// OneIn is the "1 search in N" a strength stands for (0 for unlikely).
func (t Thresholds) OneIn(s Strength) int {
	rate := map[Strength]float64{Strong: t.Rates.Strong, Possible: t.Rates.Possible, Weak: t.Rates.Weak}[s]
	if rate == 0 {
		return 0
	}
	return int(1/rate + 0.5)
}

// Meaning says what a strength means in an archive of individuals people.
func (t Thresholds) Meaning(s Strength, individuals int) string {
	people := Thousands(individuals)
	if n := t.OneIn(s); n > 0 {
		return fmt.Sprintf("In an archive of %s people, fewer than 1 search in %s without this person shows a face this close.", people, Thousands(n))
	}
	return fmt.Sprintf("In an archive of %s people, more than 1 search in %s without this person shows a face this close: on its own it says little.",
		people, Thousands(t.OneIn(Weak)))
}

// Thousands writes n with commas between thousands (10,212).
func Thousands(n int) string {
	s := strconv.Itoa(n)
	neg := strings.HasPrefix(s, "-")
	s = strings.TrimPrefix(s, "-")
	var b strings.Builder
	for i, c := range s {
		if i > 0 && (len(s)-i)%3 == 0 {
			b.WriteByte(',')
		}
		b.WriteRune(c)
	}
	if neg {
		return "-" + b.String()
	}
	return b.String()
}

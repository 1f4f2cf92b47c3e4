package cases

import (
	"context"
	"strconv"
)

// FamilyView is what family viewing shows: the candidates a reviewer
// marked possible (or identified), and nothing else — no distances, no
// archive paths, no contact details.
type FamilyView struct {
	Case       string            `json:"case"`
	Name       string            `json:"name"`
	Warning    string            `json:"warning"`
	Candidates []FamilyCandidate `json:"candidates"`
}

// FamilyCandidate is a candidate as a family sees it.
type FamilyCandidate struct {
	Individual string  `json:"individual"`
	Number     string  `json:"number,omitempty"`
	Photos     int     `json:"photos"`
	Verdict    Verdict `json:"verdict"`
}

// ContentWarning is shown before anything graphic.
const ContentWarning = "The following images show people who died in detention. They may be distressing. Images are blurred until you choose to reveal each one."

// ForFamily reports whether a candidate may be shown to a family.
func ForFamily(cd Candidate) bool { return cd.Verdict == Possible || cd.Verdict == Identified }

// Family returns the family view of a case, for its caseworkers.
func (s *Service) Family(ctx context.Context, a Actor, id string) (FamilyView, error) {
	c, _, err := s.load(ctx, a, id, work)
	if err != nil {
		return FamilyView{}, err
	}
	v := FamilyView{Case: c.ID, Name: c.Name, Warning: ContentWarning, Candidates: []FamilyCandidate{}}
	for _, cd := range c.Candidates {
		if ForFamily(cd) {
			v.Candidates = append(v.Candidates, FamilyCandidate{Individual: cd.Individual, Number: cd.Number,
				Photos: cd.Photos, Verdict: cd.Verdict})
		}
	}
	return v, s.audit(ctx, a, "family_view", id, "", map[string]string{"candidates": strconv.Itoa(len(v.Candidates))})
}

package cases

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"strings"
)

// AddReference adds a family photo. With several faces in it, faceIndex
// chooses one; -1 asks for the only face, and a *PickFaceError lists the
// faces when there are more.
func (s *Service) AddReference(ctx context.Context, a Actor, id string, photo []byte, faceIndex int, child, old bool) (Case, error) {
	c, _, err := s.load(ctx, a, id, work)
	if err != nil {
		return Case{}, err
	}
	if c.Status == StatusClosed {
		return Case{}, ErrClosed
	}
	res, err := s.Engine.Embed(ctx, photo)
	if err != nil {
		return Case{}, fmt.Errorf("cases: reference photo: %w", err)
	}
	if len(res.Faces) == 0 {
		return Case{}, ErrNoFace
	}
	if faceIndex < 0 && len(res.Faces) > 1 || faceIndex >= len(res.Faces) {
		pe := &PickFaceError{Width: res.Width, Height: res.Height}
		for i, f := range res.Faces {
			b := f.Box.Rect()
			pe.Faces = append(pe.Faces, FaceChoice{Index: i, Box: [4]int{b.Min.X, b.Min.Y, b.Max.X, b.Max.Y}, Size: f.Size})
		}
		return Case{}, pe
	}
	faceIndex = max(faceIndex, 0)
	sum := sha256.Sum256(photo)
	sha := hex.EncodeToString(sum[:])
	ref := Reference{ID: sha, Face: faceIndex, Descriptor: res.Faces[faceIndex].Descriptor, Child: child, Old: old,
		Added: s.Now(), AddedBy: a.Name}
	for _, f := range res.Faces {
		ref.Faces = append(ref.Faces, f.Box)
	}
	// The photo is stored before the case names it: a reference always has
	// its photo. A photo whose change then fails stays unnamed, and adding
	// it again overwrites it.
	if err := s.st.putRef(ctx, id, sha, photo); err != nil {
		return Case{}, err
	}
	return s.change(ctx, a, id, work, "reference_add", func(c *Case) (string, map[string]string, error) {
		if c.Status == StatusClosed {
			return "", nil, ErrClosed
		}
		d := map[string]string{"face": fmt.Sprint(faceIndex), "faces": fmt.Sprint(len(res.Faces)),
			"child": fmt.Sprint(child), "old": fmt.Sprint(old)}
		for i, r := range c.References {
			if r.ID == sha {
				c.References[i] = ref // the same photo, another face
				d["replaced_face"] = fmt.Sprint(r.Face)
				return sha, d, nil
			}
		}
		c.References = append(c.References, ref)
		return sha, d, nil
	})
}

// ReferencePhoto returns a reference photo's bytes to a member of the
// case; the showing is audited and counted.
func (s *Service) ReferencePhoto(ctx context.Context, a Actor, id, sha string) ([]byte, error) {
	c, _, err := s.load(ctx, a, id, read)
	if err != nil {
		return nil, err
	}
	found := false
	for _, r := range c.References {
		found = found || r.ID == sha
	}
	if !found {
		return nil, fmt.Errorf("%w: reference %s", ErrNotFound, sha)
	}
	b, err := s.st.ref(ctx, id, sha)
	if err != nil {
		return nil, err
	}
	if err := s.shownTo(ctx, a, id, shownRef, sha, map[string]string{"shown": "reference"}); err != nil {
		return nil, err
	}
	return b, nil
}

// RemoveReference takes a reference photo off a case (added by mistake)
// and deletes the stored photo; the shortlist is then made again from the
// references that remain (or emptied of its undecided candidates when none
// remains). Decided candidates stay on record.
func (s *Service) RemoveReference(ctx context.Context, a Actor, id, sha, reason string) (Case, error) {
	reason = strings.TrimSpace(reason)
	c, err := s.change(ctx, a, id, work, "reference_remove", func(c *Case) (string, map[string]string, error) {
		switch {
		case reason == "":
			return "", nil, fmt.Errorf("%w: say why the photo is removed", ErrInvalid)
		case c.Status == StatusClosed:
			return "", nil, ErrClosed
		}
		i := slices.IndexFunc(c.References, func(r Reference) bool { return r.ID == sha })
		if i < 0 {
			return "", nil, fmt.Errorf("%w: reference %s", ErrNotFound, sha)
		}
		c.References = slices.Delete(c.References, i, i+1)
		if len(c.References) == 0 {
			c.Candidates = slices.DeleteFunc(c.Candidates, func(cd Candidate) bool { return len(cd.Decisions) == 0 })
			for i := range c.Candidates {
				c.Candidates[i].Listed = false
			}
		}
		return sha, map[string]string{"reason": reason, "remaining": fmt.Sprint(len(c.References))}, nil
	})
	if err != nil {
		return c, err
	}
	if err := s.st.deleteRef(ctx, id, sha); err != nil {
		return c, err
	}
	if len(c.References) == 0 || c.Matched.IsZero() {
		return c, nil
	}
	return s.match(ctx, a, id, false)
}

package search

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/auth"
)

// Auditor appends to the audit trail (audit.Log).
type Auditor interface {
	Append(ctx context.Context, e audit.Event) (audit.Event, error)
}

// Service is search by photo outside a case, as an application service:
// it checks the actor and records every search in the audit trail before
// it returns the result.
type Service struct {
	Searcher *Searcher
	Audit    Auditor
}

// Search ranks individuals for the face in r.Photo. Caseworkers and
// reviewers search, and so does the operator on the server's machine;
// admins do not.
func (s *Service) Search(ctx context.Context, a auth.Actor, r Request) (Result, error) {
	if !a.Is(auth.RoleCaseworker, auth.RoleReviewer) && a.Via != auth.ViaCLI {
		return Result{}, fmt.Errorf("%w: only caseworkers and reviewers search the archive", auth.ErrForbidden)
	}
	res, err := s.Searcher.Search(ctx, r)
	if err != nil {
		return res, err
	}
	sum := sha256.Sum256(r.Photo)
	detail := map[string]string{"photo_sha256": hex.EncodeToString(sum[:]), "top": strconv.Itoa(r.Top),
		"face": strconv.Itoa(res.Used), "results": strconv.Itoa(len(res.Candidates)), "via": a.Via}
	if f := r.Filter; len(f.Sources)+len(f.Branches) > 0 || !f.From.IsZero() || !f.To.IsZero() {
		detail["filter"] = fmt.Sprintf("sources=%s branches=%s from=%s to=%s", strings.Join(f.Sources, ","),
			strings.Join(f.Branches, ","), day(f.From), day(f.To))
	}
	if _, err := s.Audit.Append(ctx, a.Event("search", "", "", detail)); err != nil {
		return Result{}, fmt.Errorf("search: audit: %w", err)
	}
	return res, nil
}

func day(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.Format(time.DateOnly)
}

package cases

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"github.com/facetriage/facetriage/internal/auth"
)

// Share makes name, an active account with role (caseworker or reviewer),
// a member of the case. Only the case's caseworkers share it, and only
// they learn whether the account exists.
func (s *Service) Share(ctx context.Context, a Actor, id, name string, role auth.Role) (Case, error) {
	return s.change(ctx, a, id, work, "case_share", func(c *Case) (string, map[string]string, error) {
		if role != auth.RoleCaseworker && role != auth.RoleReviewer {
			return "", nil, fmt.Errorf("%w: a case is shared with caseworkers and reviewers, not %q", ErrInvalid, role)
		}
		if err := s.checkAccount(ctx, name, role); err != nil {
			return "", nil, err
		}
		if r, ok := c.membership(name); ok {
			if r == role {
				return "", nil, fmt.Errorf("%w: %s is already a %s of this case", ErrInvalid, name, r)
			}
			return "", nil, fmt.Errorf("%w: %s is a %s of this case: remove them first", ErrInvalid, name, r)
		}
		c.Members = append(c.Members, Member{Name: name, Role: role, Added: s.Now(), AddedBy: a.Name})
		return name, map[string]string{"member": name, "role": string(role)}, nil
	})
}

// Unshare removes a member; the owner cannot be removed (reassign the case
// instead).
func (s *Service) Unshare(ctx context.Context, a Actor, id, name string) (Case, error) {
	return s.change(ctx, a, id, work, "case_unshare", func(c *Case) (string, map[string]string, error) {
		if name == c.Owner {
			return "", nil, fmt.Errorf("%w: %s owns the case: reassign it to remove them", ErrInvalid, name)
		}
		i := slices.IndexFunc(c.Members, func(m Member) bool { return m.Name == name })
		if i < 0 {
			return "", nil, fmt.Errorf("%w: %s is not a member of this case", ErrInvalid, name)
		}
		m := c.Members[i]
		c.Members = slices.Delete(c.Members, i, i+1)
		return name, map[string]string{"member": name, "role": string(m.Role)}, nil
	})
}

// Reassign makes the caseworker to the case's owner. The previous owner
// stays a member unless leave is set.
func (s *Service) Reassign(ctx context.Context, a Actor, id, to string, leave bool) (Case, error) {
	return s.change(ctx, a, id, work, "case_reassign", func(c *Case) (string, map[string]string, error) {
		if err := s.checkAccount(ctx, to, auth.RoleCaseworker); err != nil {
			return "", nil, err
		}
		from := c.Owner
		if to == from {
			return "", nil, fmt.Errorf("%w: %s already owns the case", ErrInvalid, to)
		}
		if r, ok := c.membership(to); ok && r != auth.RoleCaseworker {
			return "", nil, fmt.Errorf("%w: %s is a %s of this case", ErrInvalid, to, r)
		}
		c.Members = slices.DeleteFunc(c.Members, func(m Member) bool { return m.Name == to || m.Name == from })
		if !leave {
			c.Members = append(c.Members, Member{Name: from, Role: auth.RoleCaseworker, Added: s.Now(), AddedBy: a.Name})
		}
		c.Owner = to
		return to, map[string]string{"from": from, "to": to, "previous_owner_stays": fmt.Sprint(!leave)}, nil
	})
}

// checkAccount makes sure name is an active account of role.
func (s *Service) checkAccount(ctx context.Context, name string, role auth.Role) error {
	if s.Accounts == nil {
		return errors.New("cases: no account directory configured")
	}
	u, err := s.Accounts.Account(ctx, name)
	if errors.Is(err, auth.ErrNoUser) || errors.Is(err, auth.ErrInvalidName) {
		return fmt.Errorf("%w: %q", ErrNoAccount, name)
	}
	if err != nil {
		return err
	}
	if u.Disabled || u.Role != role {
		return fmt.Errorf("%w: %q is not an active %s", ErrNoAccount, name, role)
	}
	return nil
}

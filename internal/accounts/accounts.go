// Package accounts is the application service for accounts, sessions and
// API tokens: every method takes the actor, checks what it may do, and
// writes its own audit record, so that the HTTP API, the web UI and the
// command line cannot disagree on a rule.
//
// The rules:
//   - Admins manage accounts (add, disable, enable, unlock) and see and
//     revoke every token. They see no case and no image (package cases).
//   - A token acts for the account that made it, with that account's role
//     and cases: nobody can mint a token of a role they do not hold, an
//     admin included. Tokens expire (90 days by default), die when their
//     owner is disabled or changes role, and can be revoked by their owner
//     or an admin.
//   - Managing accounts and tokens needs a person: a browser session, or a
//     command on the server's machine. A token cannot do it.
//   - A failed login is answered the same whether the name is unknown, the
//     password wrong, or the account disabled or locked; the audit trail
//     records which it was.
package accounts

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/auth"
)

// Auditor appends to the audit trail (audit.Log).
type Auditor interface {
	Append(ctx context.Context, e audit.Event) (audit.Event, error)
}

// Service manages accounts, sessions and tokens.
type Service struct {
	Store *auth.Store
	Audit Auditor
}

// record appends one audit record for a.
func (s *Service) record(ctx context.Context, a auth.Actor, action, object string, detail map[string]string) error {
	if _, err := s.Audit.Append(ctx, a.Event(action, "", object, detail)); err != nil {
		return fmt.Errorf("accounts: audit: %w", err)
	}
	return nil
}

// admin checks that a is an admin acting in person.
func admin(a auth.Actor) error {
	if a.Role != auth.RoleAdmin {
		return fmt.Errorf("%w: only admins manage accounts", auth.ErrForbidden)
	}
	return inPerson(a)
}

// inPerson checks that a is a person at a browser or at the server's
// machine, not a program holding a token.
func inPerson(a auth.Actor) error {
	if a.Via != auth.ViaSession && a.Via != auth.ViaCLI {
		return fmt.Errorf("%w: accounts and tokens are managed by a person logged in, not by a token", auth.ErrForbidden)
	}
	return nil
}

// Login checks a name and password (and the one-time code of an account
// with a second factor) and opens a session. Every attempt is audited with
// the client's address. Whatever the reason for a refusal — unknown name,
// wrong password or code, disabled or locked account — the error is
// auth.ErrBadCredentials: the reason is for the audit trail only.
func (s *Service) Login(ctx context.Context, name, password, code, remote string) (auth.Session, error) {
	sess, err := s.Store.Login(ctx, name, password, code)
	actor := name
	if strings.TrimSpace(actor) == "" {
		actor = "(no name given)"
	}
	ev := audit.Event{Actor: actor, Action: "login", Detail: map[string]string{"remote": remote}}
	refused := errors.Is(err, auth.ErrBadCredentials) || errors.Is(err, auth.ErrLocked)
	switch {
	case err == nil:
		ev.Role = string(sess.Role)
		if sess.MustEnrol {
			ev.Detail["must_enrol"] = "second factor"
		}
	case refused:
		ev.Action, ev.Detail["error"] = "login_failed", err.Error()
	default:
		ev.Action, ev.Detail["error"] = "login_error", err.Error()
	}
	if _, aerr := s.Audit.Append(ctx, ev); aerr != nil {
		if err == nil {
			_ = s.Store.Logout(ctx, sess.ID) // no session without its record
		}
		return auth.Session{}, fmt.Errorf("accounts: audit: %w", aerr)
	}
	if refused {
		return auth.Session{}, auth.ErrBadCredentials
	}
	return sess, err
}

// Logout ends a's session (a token stays valid).
func (s *Service) Logout(ctx context.Context, a auth.Actor, sessionID string) error {
	if sessionID != "" {
		if err := s.Store.Logout(ctx, sessionID); err != nil {
			return err
		}
	}
	return s.record(ctx, a, "logout", "", nil)
}

// Users lists every account, for admins.
func (s *Service) Users(ctx context.Context, a auth.Actor) ([]auth.User, error) {
	if a.Role != auth.RoleAdmin {
		return nil, fmt.Errorf("%w: only admins list accounts", auth.ErrForbidden)
	}
	return s.Store.Users(ctx)
}

// AddUser adds an account. The record comes first: an account that
// exists has its record.
func (s *Service) AddUser(ctx context.Context, a auth.Actor, name string, role auth.Role, password string) error {
	if err := admin(a); err != nil {
		return err
	}
	if err := auth.CheckName(name); err != nil {
		return err
	}
	if !role.Valid() {
		return fmt.Errorf("%w: %q", auth.ErrBadRole, role)
	}
	if err := auth.CheckPolicy(password); err != nil {
		return err
	}
	if _, err := s.Store.Account(ctx, name); err == nil {
		return fmt.Errorf("%w: %s", auth.ErrUserExists, name)
	}
	if err := s.record(ctx, a, "user_add", name, map[string]string{"role": string(role)}); err != nil {
		return err
	}
	if err := s.Store.AddUser(ctx, name, role, password); err != nil {
		_ = s.record(ctx, a, "change_failed", name, map[string]string{"action": "user_add", "error": err.Error()})
		return err
	}
	return nil
}

// SetDisabled disables or enables an account. Disabling ends its sessions
// and revokes its tokens. Admins cannot disable themselves, so that an
// installation is not left without one by mistake.
func (s *Service) SetDisabled(ctx context.Context, a auth.Actor, name string, disabled bool) error {
	if err := admin(a); err != nil {
		return err
	}
	if disabled && name == a.Name {
		return fmt.Errorf("%w: you cannot disable your own account", auth.ErrForbidden)
	}
	if _, err := s.Store.Account(ctx, name); err != nil {
		return err
	}
	action, detail := "user_enable", map[string]string(nil)
	if disabled {
		action = "user_disable"
		// The tokens this revokes, by id.
		ts, err := s.Store.Tokens(ctx)
		if err != nil {
			return err
		}
		var ids []string
		for _, t := range ts {
			if t.Owner == name && !t.Revoked {
				ids = append(ids, t.ID)
			}
		}
		detail = map[string]string{"revokes_tokens": strings.Join(ids, ",")}
	}
	if err := s.record(ctx, a, action, name, detail); err != nil {
		return err
	}
	if err := s.Store.SetDisabled(ctx, name, disabled); err != nil {
		_ = s.record(ctx, a, "change_failed", name, map[string]string{"action": action, "error": err.Error()})
		return err
	}
	return nil
}

// Unlock lifts a lockout after failed logins.
func (s *Service) Unlock(ctx context.Context, a auth.Actor, name string) error {
	if err := admin(a); err != nil {
		return err
	}
	if _, err := s.Store.Account(ctx, name); err != nil {
		return err
	}
	if err := s.record(ctx, a, "user_unlock", name, nil); err != nil {
		return err
	}
	return s.Store.Unlock(ctx, name)
}

// CreateToken makes an API token for a's own account, with a's role,
// valid for ttl (0: auth.DefaultTokenTTL). The secret is returned once.
func (s *Service) CreateToken(ctx context.Context, a auth.Actor, label string, ttl time.Duration) (string, auth.Token, error) {
	if err := inPerson(a); err != nil {
		return "", auth.Token{}, err
	}
	secret, t, err := s.Store.CreateToken(ctx, a.Name, label, ttl)
	if err != nil {
		return "", auth.Token{}, err
	}
	if t.Role != a.Role {
		// The account's role changed under the session: refuse.
		_ = s.Store.RevokeToken(ctx, t.ID, "role changed")
		return "", auth.Token{}, fmt.Errorf("%w: your role has changed: log in again", auth.ErrForbidden)
	}
	if err := s.record(ctx, a, "token_create", t.ID, map[string]string{"label": t.Label, "role": string(t.Role),
		"expires": t.Expires.Format(time.DateOnly)}); err != nil {
		// No token without its record.
		_ = s.Store.RevokeToken(ctx, t.ID, "not audited")
		return "", auth.Token{}, err
	}
	return secret, t, nil
}

// Tokens lists every token for an admin, and a's own tokens for others.
func (s *Service) Tokens(ctx context.Context, a auth.Actor) ([]auth.Token, error) {
	ts, err := s.Store.Tokens(ctx)
	if err != nil || a.Role == auth.RoleAdmin {
		return ts, err
	}
	own := []auth.Token{}
	for _, t := range ts {
		if t.Owner == a.Name {
			own = append(own, t)
		}
	}
	return own, nil
}

// RevokeToken revokes a token, for its owner or an admin.
func (s *Service) RevokeToken(ctx context.Context, a auth.Actor, id string) error {
	if err := inPerson(a); err != nil {
		return err
	}
	t, err := s.Store.Token(ctx, id)
	if err != nil {
		return err
	}
	if a.Role != auth.RoleAdmin && t.Owner != a.Name {
		return fmt.Errorf("%w: %s", auth.ErrNoToken, id) // not theirs: as if it did not exist
	}
	if err := s.record(ctx, a, "token_revoke", id, map[string]string{"owner": t.Owner, "label": t.Label}); err != nil {
		return err
	}
	return s.Store.RevokeToken(ctx, id, a.AuditName())
}

package auth

import "errors"

// Errors, wrapped with context; test them with errors.Is.
var (
	// ErrInvalidName means a user name is not 2 to 64 of [a-z0-9._-].
	ErrInvalidName = errors.New("auth: invalid user name")
	// ErrBadRole means a role is not admin, caseworker, reviewer or ingest.
	ErrBadRole = errors.New("auth: invalid role")
	// ErrWeakPassword means a new password breaks the policy (at least 12
	// characters, at most 1024 bytes).
	ErrWeakPassword = errors.New("auth: password too weak")
	// ErrUserExists means AddUser found the name taken.
	ErrUserExists = errors.New("auth: user exists")
	// ErrNoUser means there is no such user (administrative calls only:
	// Login says ErrBadCredentials).
	ErrNoUser = errors.New("auth: no such user")
	// ErrBadCredentials means a login failed: unknown user, wrong password
	// or disabled account, deliberately not told apart.
	ErrBadCredentials = errors.New("auth: invalid user name or password")
	// ErrLocked means too many failed logins in a row; the account is
	// locked for a while.
	ErrLocked = errors.New("auth: account temporarily locked")
	// ErrNoSession means a session is unknown, expired, logged out, or its
	// user disabled or changed.
	ErrNoSession = errors.New("auth: no such session")
	// ErrNoToken means an API token is unknown, revoked, expired, or its
	// owner disabled.
	ErrNoToken = errors.New("auth: no such token")
	// ErrInvalidToken means a new token's label or lifetime is malformed.
	ErrInvalidToken = errors.New("auth: invalid token request")
	// ErrUnauthenticated means a request carries no valid session or token.
	ErrUnauthenticated = errors.New("auth: not authenticated")
	// ErrForbidden means the identity's role may not do this.
	ErrForbidden = errors.New("auth: forbidden")
	// ErrCSRF means an unsafe request on a session lacks the session's
	// CSRF token.
	ErrCSRF = errors.New("auth: missing or invalid CSRF token")
	// ErrBadHash means a stored password hash cannot be parsed.
	ErrBadHash = errors.New("auth: invalid password hash")
)

// Package auth is who may use facetriage and how they prove it: user
// accounts with a role (admin, caseworker, reviewer, ingest), password logins that
// open browser sessions, and API tokens for programs. Accounts, sessions
// and tokens live in JetStream key-value buckets (ft_users, ft_sessions,
// ft_tokens), so the embedded and the scale-out modes share them. The
// package decides who a request is (Store.Identify) and whether an unsafe
// browser request is genuine (CheckCSRF), and names the actor the
// application services take (Actor); what each role may do is the
// services' rule (packages accounts and cases), checked again by the
// HTTP layer's route table.
//
// # Security properties
//
//   - Passwords are hashed with argon2id (64 MiB, 3 passes, 2 lanes, a
//     16-byte random salt, a 32-byte key) into a PHC string. Verification
//     reads the cost from the string and compares in constant time, so the
//     cost can be raised later; a stored hash made at another cost is
//     replaced at the user's next successful login. New passwords have at
//     least 12 characters (and at most 1024 bytes).
//   - A failed login says only ErrBadCredentials, whether the name is
//     unknown, the password or the one-time code wrong or the account
//     disabled, and an unknown name or a locked account costs the same
//     argon2 work as a wrong password (ErrLocked is returned for the audit
//     trail; the accounts service answers ErrBadCredentials).
//   - After 5 failed logins in a row an account is locked for 15 minutes
//     (ErrLocked); a success resets the count. An attempt is counted, under
//     the KV revision, before its password is checked, so parallel attempts
//     cannot get more than 5 guesses per lock period.
//   - Session ids and CSRF tokens are 32 random bytes each. A session is
//     stored under the SHA-256 of its id, so reading the bucket yields no
//     usable session. It lasts at most a fixed time (12 h by default),
//     and ends sooner when unused for the idle timeout (30 min by default;
//     its use is noted at most once a minute). Disabling a user, changing
//     their password or role, resetting their second factor, or
//     RevokeSessions ends all their sessions at once.
//   - A second factor (TOTP, RFC 6238: six digits, 30 s, SHA-1, one step of
//     drift, each code accepted once) can be set up by every user, and
//     required for roles (Options.TOTPRoles): a session of such a role
//     without one may only set it up (Session.MustEnrol).
//   - The session cookie is HttpOnly, SameSite=Strict, Path=/, and Secure
//     when asked. Unsafe methods on a session must also carry the session's
//     CSRF token (header X-CSRF-Token or form field csrf), compared in
//     constant time. Bearer tokens are exempt: browsers never attach them
//     by themselves.
//   - An API token's secret is shown once and stored only as its SHA-256;
//     a token is 32 random bytes, whose first 9 bytes, visible in the
//     secret, are its public id (so it is found in one read and a leaked
//     secret can be recognised). A token acts for the account that made
//     it, with that account's role: nobody mints a token of a role they do
//     not hold. It expires (90 days by default, at most 366), and stops
//     working when its owner is disabled (which also revokes it) or
//     changes role. Revocation is immediate.
//
// # Limits
//
//   - Anyone who can write to the buckets can make themselves an admin, and
//     anyone who can read them can attack the password hashes offline: the
//     NATS account holding them must be restricted to facetriage.
//   - Without TLS (secure=false) sessions and tokens can be sniffed.
//   - Timing is equalised only for the argon2 work: a known user's login
//     also writes the KV record (well under a millisecond), and ErrLocked
//     reveals that a name exists; the HTTP layer may show it as a plain
//     failure.
//   - The lockout is per account: anyone can lock out a user whose name
//     they know, and guessing one password across many accounts is not
//     slowed. Limiting attempts per client address is for the HTTP layer.
//   - No check against breached-password lists, and sessions are not
//     bound to an address or a browser. The TOTP secret is stored as the
//     app holds it (the store is encrypted at rest, not this field).
//   - An admin who adds an account sets its first password, and could use
//     it; the audit trail records who added it and every login with its
//     address.
//   - At most Options.MaxConcurrentHashes password hashes run at once (64
//     MiB each); further logins wait, so a login flood delays logins but
//     cannot exhaust memory.
package auth

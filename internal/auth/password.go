package auth

import (
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"unicode/utf8"

	"golang.org/x/crypto/argon2"
)

// The argon2id cost of new password hashes: RFC 9106's second recommended
// option (64 MiB, 3 passes) with 2 lanes instead of 4, so a login keeps
// two cores busy for tens of milliseconds. Raise them as hardware grows:
// old hashes still verify (the cost is read from each hash) and are
// re-hashed at the next login.
const (
	ArgonMemoryKiB = 64 * 1024 // memory, KiB
	ArgonTime      = 3         // passes over the memory
	ArgonThreads   = 2         // lanes
	ArgonSaltBytes = 16        // random salt per hash
	ArgonKeyBytes  = 32        // derived key length
)

// Password policy (NIST SP 800-63B: length, no composition rules).
const (
	MinPasswordChars = 12   // characters (runes), not bytes
	MaxPasswordBytes = 1024 // bounds the hashing work of one login
)

// Bounds on the cost read from a stored hash, so a corrupt record cannot
// make a login allocate without limit.
const (
	maxMemoryKiB = 4 << 20 // 4 GiB
	maxTime      = 64
)

// params is one argon2id cost.
type params struct {
	memory  uint32 // KiB
	time    uint32
	threads uint8
	saltLen uint32
	keyLen  uint32
}

var defaultParams = params{ArgonMemoryKiB, ArgonTime, ArgonThreads, ArgonSaltBytes, ArgonKeyBytes}

// cheapParams is the cost of Options.CheapHashes, for tests.
var cheapParams = params{memory: 64, time: 1, threads: 1, saltLen: ArgonSaltBytes, keyLen: ArgonKeyBytes}

var b64 = base64.RawStdEncoding // PHC strings use unpadded standard base64

// HashPassword hashes pw with argon2id at the default cost, as a PHC
// string: $argon2id$v=19$m=65536,t=3,p=2$<salt>$<key>. It does not apply
// the password policy (CheckPolicy does).
func HashPassword(pw string) (string, error) { return defaultParams.hash(pw) }

func (p params) hash(pw string) (string, error) {
	salt := make([]byte, p.saltLen)
	if _, err := rand.Read(salt); err != nil {
		return "", fmt.Errorf("auth: salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, p.keyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s",
		argon2.Version, p.memory, p.time, p.threads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// CheckPassword says whether pw matches a hash from HashPassword, at
// whatever cost the hash records; the keys are compared in constant time.
// The error is ErrBadHash for a malformed hash.
func CheckPassword(hash, pw string) (bool, error) {
	p, salt, key, err := parseHash(hash)
	if err != nil {
		return false, err
	}
	got := argon2.IDKey([]byte(pw), salt, p.time, p.memory, p.threads, p.keyLen)
	return subtle.ConstantTimeCompare(got, key) == 1, nil
}

// parseHash splits a PHC argon2id string.
func parseHash(hash string) (params, []byte, []byte, error) {
	var p params
	f := strings.Split(hash, "$")
	if len(f) != 6 || f[0] != "" || f[1] != "argon2id" || f[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return p, nil, nil, fmt.Errorf("%w: not argon2id v=%d", ErrBadHash, argon2.Version)
	}
	var m, t, th uint64
	if n, err := fmt.Sscanf(f[3], "m=%d,t=%d,p=%d", &m, &t, &th); n != 3 || err != nil ||
		fmt.Sprintf("m=%d,t=%d,p=%d", m, t, th) != f[3] {
		return p, nil, nil, fmt.Errorf("%w: parameters %q", ErrBadHash, f[3])
	}
	if th < 1 || th > 255 || t < 1 || t > maxTime || m < 8*th || m > maxMemoryKiB {
		return p, nil, nil, fmt.Errorf("%w: parameters out of range %q", ErrBadHash, f[3])
	}
	salt, err := b64.DecodeString(f[4])
	if err != nil || len(salt) < 8 {
		return p, nil, nil, fmt.Errorf("%w: salt", ErrBadHash)
	}
	key, err := b64.DecodeString(f[5])
	if err != nil || len(key) < 16 || len(key) > 64 {
		return p, nil, nil, fmt.Errorf("%w: key", ErrBadHash)
	}
	p = params{memory: uint32(m), time: uint32(t), threads: uint8(th), saltLen: uint32(len(salt)), keyLen: uint32(len(key))}
	return p, salt, key, nil
}

// CheckPolicy returns ErrWeakPassword unless pw may become a password.
func CheckPolicy(pw string) error {
	if n := utf8.RuneCountInString(pw); n < MinPasswordChars {
		return fmt.Errorf("%w: %d characters, need at least %d", ErrWeakPassword, n, MinPasswordChars)
	}
	if len(pw) > MaxPasswordBytes {
		return fmt.Errorf("%w: longer than %d bytes", ErrWeakPassword, MaxPasswordBytes)
	}
	return nil
}

package auth

import (
	"errors"
	"fmt"
	"strings"
	"testing"
)

// The real cost, once.
func TestHashPasswordDefaultCost(t *testing.T) {
	h1, err := HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	prefix := fmt.Sprintf("$argon2id$v=19$m=%d,t=%d,p=%d$", ArgonMemoryKiB, ArgonTime, ArgonThreads)
	if prefix != "$argon2id$v=19$m=65536,t=3,p=2$" || !strings.HasPrefix(h1, prefix) {
		t.Fatalf("hash %q, want prefix $argon2id$v=19$m=65536,t=3,p=2$", h1)
	}
	p, salt, key, err := parseHash(h1)
	if err != nil || p != defaultParams || len(salt) != 16 || len(key) != 32 {
		t.Fatalf("parsed %+v salt %d key %d err %v", p, len(salt), len(key), err)
	}
	h2, err := HashPassword(pw)
	if err != nil {
		t.Fatal(err)
	}
	if h1 == h2 {
		t.Fatal("the same password hashed twice gave the same hash: no salt")
	}
	for _, h := range []string{h1, h2} {
		if ok, err := CheckPassword(h, pw); !ok || err != nil {
			t.Fatalf("right password refused: %v %v", ok, err)
		}
		if ok, err := CheckPassword(h, pw+"x"); ok || err != nil {
			t.Fatalf("wrong password accepted: %v %v", ok, err)
		}
	}
}

// The cost is read from the hash, so hashes made at another cost verify.
func TestCheckPasswordReadsCost(t *testing.T) {
	other := params{memory: 256, time: 2, threads: 4, saltLen: 24, keyLen: 48}
	h, err := other.hash(pw)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=256,t=2,p=4$") {
		t.Fatalf("hash %q", h)
	}
	if ok, err := CheckPassword(h, pw); !ok || err != nil {
		t.Fatalf("refused: %v %v", ok, err)
	}
	if ok, _ := CheckPassword(strings.Replace(h, "t=2", "t=3", 1), pw); ok {
		t.Fatal("a hash with its cost changed still verified")
	}
}

func TestCheckPasswordMalformed(t *testing.T) {
	good, err := cheap.hash(pw)
	if err != nil {
		t.Fatal(err)
	}
	f := strings.Split(good, "$")
	for _, h := range []string{
		"",
		"plain",
		strings.Replace(good, "argon2id", "argon2i", 1),
		strings.Replace(good, "v=19", "v=16", 1),
		strings.Join([]string{"", f[1], f[2], "m=64,t=1", f[4], f[5]}, "$"),
		strings.Join([]string{"", f[1], f[2], "m=64,t=1,p=1,x=2", f[4], f[5]}, "$"),
		strings.Join([]string{"", f[1], f[2], "m=64,t=0,p=1", f[4], f[5]}, "$"),
		strings.Join([]string{"", f[1], f[2], "m=64,t=1,p=0", f[4], f[5]}, "$"),
		strings.Join([]string{"", f[1], f[2], "m=4,t=1,p=1", f[4], f[5]}, "$"),
		strings.Join([]string{"", f[1], f[2], "m=99999999,t=1,p=1", f[4], f[5]}, "$"),
		strings.Join([]string{"", f[1], f[2], f[3], "!!", f[5]}, "$"),
		strings.Join([]string{"", f[1], f[2], f[3], f[4], "c2hvcnQ"}, "$"),
		good + "$",
	} {
		if ok, err := CheckPassword(h, pw); ok || !errors.Is(err, ErrBadHash) {
			t.Errorf("CheckPassword(%q) = %v, %v; want ErrBadHash", h, ok, err)
		}
	}
}

func TestCheckPolicy(t *testing.T) {
	for _, tc := range []struct {
		pw string
		ok bool
	}{
		{"", false},
		{"short", false},
		{"elevenchars", false},
		{"twelve chars", true},
		{strings.Repeat("é", 11), false}, // 22 bytes, 11 characters
		{strings.Repeat("é", 12), true},
		{strings.Repeat("a", MaxPasswordBytes), true},
		{strings.Repeat("a", MaxPasswordBytes+1), false},
	} {
		err := CheckPolicy(tc.pw)
		if tc.ok != (err == nil) || (err != nil && !errors.Is(err, ErrWeakPassword)) {
			t.Errorf("CheckPolicy(%d bytes) = %v, want ok=%v", len(tc.pw), err, tc.ok)
		}
	}
}

package audit

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// Event is one audit record.
type Event struct {
	Seq    uint64            `json:"seq"`   // stream sequence, set when read back (not hashed)
	Time   time.Time         `json:"time"`  // UTC; set by Append when zero
	Actor  string            `json:"actor"` // user name, "token:<label>", or "system"
	Role   string            `json:"role,omitempty"`
	Action string            `json:"action"` // e.g. login, login_failed, logout, search, view, decision, export, case_create, case_update, user_add, token_create, rematch
	Case   string            `json:"case,omitempty"`
	Object string            `json:"object,omitempty"` // e.g. an individual key, a photo SHA-256, a crop name
	Detail map[string]string `json:"detail,omitempty"` // e.g. {"shown":"face_crop","blurred":"true"}
	Prev   string            `json:"prev"`             // hex SHA-256 of the previous record ("" for the first)
	Hash   string            `json:"hash"`             // hex SHA-256 over the canonical encoding of every field except Seq and Hash
}

// Mark is a record's place in the chain: its sequence and its hash.
type Mark struct {
	Seq  uint64 `json:"seq"`
	Hash string `json:"hash"`
}

// formatVersion is the record format; it is part of the hashed bytes.
const formatVersion = 1

// body is the hashed part of a record. Its canonical encoding is its JSON:
// the fields in this order, strings as valid UTF-8 with encoding/json's
// escaping, the time as RFC 3339 in UTC with nanoseconds and no trailing
// zeros, Detail's keys sorted, an empty Detail as null.
type body struct {
	V      int               `json:"v"`
	Time   string            `json:"time"`
	Actor  string            `json:"actor"`
	Role   string            `json:"role"`
	Action string            `json:"action"`
	Case   string            `json:"case"`
	Object string            `json:"object"`
	Detail map[string]string `json:"detail"`
	Prev   string            `json:"prev"`
}

// record is a stored message: the body and its hash.
type record struct {
	body
	Hash string `json:"hash"`
}

// bodyOf is the body of an event, its strings made valid UTF-8 so that
// they read back exactly as they were hashed.
func bodyOf(e Event) body {
	b := body{
		V:      formatVersion,
		Time:   e.Time.UTC().Format(time.RFC3339Nano),
		Actor:  valid(e.Actor),
		Role:   valid(e.Role),
		Action: valid(e.Action),
		Case:   valid(e.Case),
		Object: valid(e.Object),
		Prev:   e.Prev,
	}
	if len(e.Detail) > 0 {
		b.Detail = make(map[string]string, len(e.Detail))
		for k, v := range e.Detail {
			b.Detail[valid(k)] = valid(v)
		}
	}
	return b
}

func valid(s string) string { return strings.ToValidUTF8(s, "\uFFFD") }

// canonical is the bytes a record's hash is taken over.
func (b body) canonical() []byte {
	if len(b.Detail) == 0 {
		b.Detail = nil
	}
	out, err := json.Marshal(b)
	if err != nil {
		panic("audit: a body of strings cannot fail to encode: " + err.Error())
	}
	return out
}

// hash is the hex SHA-256 of the canonical encoding.
func (b body) hash() string {
	h := sha256.Sum256(b.canonical())
	return hex.EncodeToString(h[:])
}

// decode reads a stored record. It does not check the hash.
func decode(data []byte, seq uint64) (record, Event, error) {
	var r record
	if err := json.Unmarshal(data, &r); err != nil {
		return r, Event{}, fmt.Errorf("not a record: %w", err)
	}
	if r.V != formatVersion {
		return r, Event{}, fmt.Errorf("unknown record format %d", r.V)
	}
	t, err := time.Parse(time.RFC3339Nano, r.Time)
	if err != nil {
		return r, Event{}, fmt.Errorf("bad time: %w", err)
	}
	return r, Event{Seq: seq, Time: t, Actor: r.Actor, Role: r.Role, Action: r.Action, Case: r.Case,
		Object: r.Object, Detail: r.Detail, Prev: r.Prev, Hash: r.Hash}, nil
}

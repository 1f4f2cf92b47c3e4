package audit

import (
	"strings"
	"testing"
	"time"
)

func sampleEvent() Event {
	return Event{Time: time.Date(2026, 3, 1, 12, 30, 0, 500, time.FixedZone("CET", 3600)), Actor: "alice",
		Role: "reviewer", Action: "view", Case: "C1", Object: "<sha>",
		Detail: map[string]string{"shown": "face_crop", "blurred": "true"}, Prev: "ab"}
}

// The canonical encoding is a format others may verify with their own
// tools (`printf '%s' '<bytes>' | sha256sum`): it must not drift.
func TestCanonicalEncodingIsFixed(t *testing.T) {
	b := bodyOf(sampleEvent())
	const want = `{"v":1,"time":"2026-03-01T11:30:00.0000005Z","actor":"alice","role":"reviewer","action":"view",` +
		`"case":"C1","object":"\u003csha\u003e","detail":{"blurred":"true","shown":"face_crop"},"prev":"ab"}`
	if got := string(b.canonical()); got != want {
		t.Fatalf("canonical bytes\n%s\nwant\n%s", got, want)
	}
	if got := b.hash(); got != "c889b35257e29de9ba555337ccff78a44d106bbf1434d312c354c7a574ce2475" {
		t.Fatalf("hash %s", got)
	}
}

func TestHashCoversEveryFieldButSeqAndHash(t *testing.T) {
	base := bodyOf(sampleEvent()).hash()
	same := sampleEvent()
	same.Seq, same.Hash = 99, "whatever"
	same.Detail = map[string]string{"blurred": "true", "shown": "face_crop"} // other insertion order
	if bodyOf(same).hash() != base {
		t.Fatal("Seq, Hash or Detail's order changed the hash")
	}
	empty, none := sampleEvent(), sampleEvent()
	empty.Detail, none.Detail = map[string]string{}, nil
	if bodyOf(empty).hash() != bodyOf(none).hash() {
		t.Fatal("an empty Detail and no Detail hash differently")
	}
	for name, change := range map[string]func(*Event){
		"time":   func(e *Event) { e.Time = e.Time.Add(time.Nanosecond) },
		"actor":  func(e *Event) { e.Actor = "alicf" },
		"role":   func(e *Event) { e.Role = "" },
		"action": func(e *Event) { e.Action = "export" },
		"case":   func(e *Event) { e.Case = "C2" },
		"object": func(e *Event) { e.Object = "<shb>" },
		"detail": func(e *Event) { e.Detail = map[string]string{"shown": "face_crop", "blurred": "false"} },
		"key":    func(e *Event) { e.Detail = map[string]string{"shown": "face_crop", "blurrec": "true"} },
		"prev":   func(e *Event) { e.Prev = "ac" },
	} {
		e := sampleEvent()
		change(&e)
		if bodyOf(e).hash() == base {
			t.Errorf("changing %s does not change the hash", name)
		}
	}
}

func TestDecodeReadsBackWhatWasHashed(t *testing.T) {
	e := sampleEvent()
	e.Object = "bad\xffbyte"
	b := bodyOf(e)
	r := record{body: b, Hash: b.hash()}
	got, ev, err := decode(mustJSON(r), 7)
	if err != nil {
		t.Fatal(err)
	}
	if got.hash() != r.Hash {
		t.Fatal("a decoded record hashes differently from the one stored")
	}
	if ev.Seq != 7 || !ev.Time.Equal(e.Time) || ev.Object != "bad\uFFFDbyte" || ev.Hash != r.Hash {
		t.Fatalf("decoded %+v", ev)
	}
	for _, bad := range []string{`{`, `{"v":2,"time":"2026-03-01T11:30:00Z"}`, `{"v":1,"time":"yesterday"}`} {
		if _, _, err := decode([]byte(bad), 1); err == nil {
			t.Errorf("decode(%s) succeeded", bad)
		}
	}
}

func TestSubjects(t *testing.T) {
	for id, want := range map[string]string{
		"":                      "ft.audit.sys",
		"C1ABCDEF":              "ft.audit.case.C1ABCDEF",
		"a.b":                   "ft.audit.case.h-",
		"with space":            "ft.audit.case.h-",
		"*":                     "ft.audit.case.h-",
		strings.Repeat("a", 65): "ft.audit.case.h-",
	} {
		got := subjectFor(id)
		if len(got) < len(want) || got[:len(want)] != want {
			t.Errorf("subjectFor(%q) = %s, want %s…", id, got, want)
		}
	}
	if subjectFor("a.b") == subjectFor("a b") {
		t.Error("two odd IDs share a subject")
	}
}

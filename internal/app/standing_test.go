package app_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/bus/bustest"
	"github.com/facetriage/facetriage/internal/cases"
	"github.com/facetriage/facetriage/internal/testenv"
)

// TestStandingSearch opens a case with tzuyu.jpg before the cache that
// holds tzuyu2.jpg is ingested; when that ingest ends, the running serve's
// standing search flags tzuyu2.jpg's face for review.
func TestStandingSearch(t *testing.T) {
	cfg := testenv.Config(t)
	cfg.DataDir = t.TempDir()
	e := startEmbedded(t, cfg)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	src := testenv.GoFaceImages(t)
	first, second := t.TempDir(), t.TempDir()
	for _, n := range []string{"chaeyoung.jpg", "chaeyoung2.jpg", "jimin.jpg", "joy.jpg", "luda.jpg", "nayoung.jpg"} {
		copyPhoto(t, filepath.Join(src, n), filepath.Join(first, n))
	}
	copyPhoto(t, filepath.Join(src, "tzuyu2.jpg"), filepath.Join(second, "tzuyu2.jpg"))
	e.ingest(t, first)

	deps, err := e.rt.Casework(ctx, e.store, e.eng)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.rt.WatchIngests(ctx, deps.Cases); err != nil { // what serve does
		t.Fatal(err)
	}
	cw := cases.Actor{Name: "amal", Role: auth.RoleCaseworker, Via: auth.ViaSession}
	c, err := deps.Cases.Create(ctx, cw, cases.Fields{Name: "Tzuyu"})
	if err != nil {
		t.Fatal(err)
	}
	ref, _ := os.ReadFile(filepath.Join(src, "tzuyu.jpg"))
	if _, err := deps.Cases.AddReference(ctx, cw, c.ID, ref, -1, false, false); err != nil {
		t.Fatal(err)
	}
	if _, err = deps.Cases.Match(ctx, cw, c.ID); err != nil {
		t.Fatal(err)
	}
	e.ingest(t, second)
	if err := e.rt.AnnounceIngest(); err != nil { // what ingest does at its end
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(src, "tzuyu2.jpg"))
	sum := sha256.Sum256(b)
	want := hex.EncodeToString(sum[:])
	bustest.CheckFor(t, 30*time.Second, 200*time.Millisecond, func() error {
		c, err := deps.Cases.Get(ctx, cw, c.ID)
		if err != nil {
			return err
		}
		top := c.Candidates[0]
		if top.Photo != want || !top.Flagged || top.Verdict != cases.New {
			return fmt.Errorf("rank 1: %s flagged=%v (%s at %.3f), want tzuyu2.jpg flagged", top.Photo, top.Flagged, top.Strength, top.Distance)
		}
		return nil
	})
}

func copyPhoto(t *testing.T, from, to string) {
	t.Helper()
	b, err := os.ReadFile(from)
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(to, b, 0o644); err != nil {
		t.Fatal(err)
	}
}

package cases

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/nats-io/nats.go/jetstream"
)

// BucketShown records, once per person, each image a person was shown in
// a case: key <case>.<person>.<kind>.<digest of the image's name>, value
// the time it was first shown. Every showing is in the audit trail; this
// bucket only makes counting distinct images cheap, without rewriting the
// case on each view.
const BucketShown = "ft_shown"

// What an image shown is.
type shownKind string

const (
	shownCrop     shownKind = "crop"     // a face crop, blurred
	shownRevealed shownKind = "revealed" // a face crop, revealed
	shownPhoto    shownKind = "photo"    // a full photo from the archive
	shownRef      shownKind = "ref"      // a family's reference photo
)

// shownLog is the ft_shown bucket.
type shownLog struct{ kv jetstream.KeyValue }

func openShown(ctx context.Context, js jetstream.JetStream, replicas int) (shownLog, error) {
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: BucketShown, History: 1,
		Storage: jetstream.FileStorage, Replicas: max(1, replicas),
		Description: "facetriage: the distinct images each person was shown in each case"})
	if err != nil {
		return shownLog{}, fmt.Errorf("cases: bucket %s: %w", BucketShown, err)
	}
	return shownLog{kv: kv}, nil
}

// personKey is a person's name as one key token (names may hold dots).
func personKey(name string) string { return strings.ReplaceAll(name, ".", "=") }

func shownKey(caseID, person string, k shownKind, object string) string {
	h := sha256.Sum256([]byte(object))
	return caseID + "." + personKey(person) + "." + string(k) + "." + hex.EncodeToString(h[:12])
}

// note records that person was shown object; showing it again changes
// nothing.
func (l shownLog) note(ctx context.Context, caseID, person string, k shownKind, object string, at time.Time) error {
	_, err := l.kv.Create(ctx, shownKey(caseID, person, k, object), []byte(at.UTC().Format(time.RFC3339)))
	if err != nil && !errors.Is(err, jetstream.ErrKeyExists) {
		return fmt.Errorf("cases: counting an image shown: %w", err)
	}
	return nil
}

// count is what person was shown in a case.
func (l shownLog) count(ctx context.Context, caseID, person string) (Shown, error) {
	var sh Shown
	keys, err := l.kv.ListKeysFiltered(ctx, caseID+"."+personKey(person)+".>")
	if err != nil {
		return sh, fmt.Errorf("cases: images shown: %w", err)
	}
	for k := range keys.Keys() {
		parts := strings.Split(k, ".")
		if len(parts) != 4 {
			continue
		}
		switch shownKind(parts[2]) {
		case shownCrop:
			sh.BlurredCrops++
		case shownRevealed:
			sh.RevealedCrops++
		case shownPhoto:
			sh.FullPhotos++
		case shownRef:
			sh.References++
		}
	}
	return sh, nil
}

package evidence

import (
	"archive/zip"
	"bytes"
	"crypto/ed25519"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/facetriage/facetriage/internal/keys"
)

// Report is what Verify found.
type Report struct {
	// Manifest as read (zero when there is none to read).
	Manifest Manifest
	// Key is the public key in the manifest (nil when unreadable).
	Key ed25519.PublicKey
	// Checked is how many listed members matched their hash and size.
	Checked int
	// Audit is AUDIT-STATUS.json, when the export has it and it matched.
	Audit *AuditStatus
	// Problems says each thing wrong, one sentence each.
	Problems []string
}

// OK reports an export with no problems.
func (r Report) OK() bool { return len(r.Problems) == 0 }

func (r *Report) problem(format string, args ...any) {
	r.Problems = append(r.Problems, fmt.Sprintf(format, args...))
}

// Verify checks the export of size bytes in r: the manifest's signature by
// the key it names (and, when want is not nil, that the key is want), and
// every member against the manifest: each listed member present, of its
// size and SHA-256, none unlisted, no name unsafe or used twice. It
// returns nil only when all of that holds; otherwise ErrNotEvidence (no
// zip, or no readable manifest) or ErrRejected, with every problem in the
// Report.
func Verify(r io.ReaderAt, size int64, want ed25519.PublicKey) (Report, error) {
	var rep Report
	zr, err := zip.NewReader(r, size)
	if err != nil && !errors.Is(err, zip.ErrInsecurePath) { // names are checked below
		rep.problem("not a zip file: %v", err)
		return rep, fmt.Errorf("%w: %v", ErrNotEvidence, err)
	}
	if len(zr.File) > MaxMembers {
		rep.problem("%d members, more than the %d an export may have", len(zr.File), MaxMembers)
		return rep, fmt.Errorf("%w: too many members", ErrNotEvidence)
	}
	members := rep.index(zr.File)
	manifest, ok := rep.readManifest(members)
	if !ok {
		return rep, fmt.Errorf("%w: %s", ErrNotEvidence, rep.Problems[len(rep.Problems)-1])
	}
	rep.checkSignature(members, manifest, want)
	rep.checkMembers(members)
	if rep.OK() {
		return rep, nil
	}
	return rep, fmt.Errorf("%w: %d problem(s), the first: %s", ErrRejected, len(rep.Problems), rep.Problems[0])
}

// index maps member names to members, reporting unsafe and repeated
// names; a name used twice maps to nil (neither copy can be trusted).
func (rep *Report) index(files []*zip.File) map[string]*zip.File {
	members := make(map[string]*zip.File, len(files))
	folded := make(map[string]string, len(files))
	for _, f := range files {
		if why := checkName(f.Name); why != "" {
			rep.problem("member %q: unsafe name: %s", f.Name, why)
		}
		if _, dup := members[f.Name]; dup {
			rep.problem("member %q appears more than once", f.Name)
			members[f.Name] = nil
			continue
		}
		if prev, ok := folded[fold(f.Name)]; ok {
			rep.problem("members %q and %q collide where case is ignored", prev, f.Name)
		}
		folded[fold(f.Name)] = f.Name
		members[f.Name] = f
	}
	return members
}

// readManifest reads and decodes MANIFEST.json; false when there is none
// to go on.
func (rep *Report) readManifest(members map[string]*zip.File) ([]byte, bool) {
	f, ok := members[ManifestName]
	if !ok || f == nil {
		if !ok {
			rep.problem("no %s", ManifestName)
		}
		return nil, false
	}
	b, err := readAll(f, MaxManifest)
	if err != nil {
		rep.problem("%s: %v", ManifestName, err)
		return nil, false
	}
	dec := json.NewDecoder(bytes.NewReader(b))
	dec.DisallowUnknownFields()
	if err := dec.Decode(&rep.Manifest); err != nil {
		rep.problem("%s does not decode: %v", ManifestName, err)
		return nil, false
	}
	if rep.Manifest.Format != FormatV1 {
		rep.problem("%s: format %q, not %q", ManifestName, rep.Manifest.Format, FormatV1)
		return nil, false
	}
	return b, true
}

// checkSignature checks MANIFEST.sig against the key in the manifest, and
// that key against want.
func (rep *Report) checkSignature(members map[string]*zip.File, manifest []byte, want ed25519.PublicKey) {
	key, err := keys.Parse(rep.Manifest.Key)
	if err != nil {
		rep.problem("%s: the signing key: %v", ManifestName, err)
	} else {
		rep.Key = key
		if fp := keys.Fingerprint(key); fp != rep.Manifest.Fingerprint {
			rep.problem("%s: the fingerprint %q is not the key's (%s)", ManifestName, rep.Manifest.Fingerprint, fp)
		}
		if want != nil && !key.Equal(want) {
			rep.problem("signed by the key %s, not by the expected key %s", keys.Fingerprint(key), keys.Fingerprint(want))
		}
	}
	f, ok := members[SignatureName]
	if !ok || f == nil {
		if !ok {
			rep.problem("no %s: the manifest is not signed", SignatureName)
		}
		return
	}
	b, err := readAll(f, maxSignature)
	if err != nil {
		rep.problem("%s: %v", SignatureName, err)
		return
	}
	sig, err := base64.StdEncoding.DecodeString(strings.TrimSpace(string(b)))
	switch {
	case err != nil || len(sig) != ed25519.SignatureSize:
		rep.problem("%s is not a base64 Ed25519 signature", SignatureName)
	case key != nil && !ed25519.Verify(key, manifest, sig):
		rep.problem("%s does not match %s: the manifest or the signature was changed", SignatureName, ManifestName)
	}
}

// checkMembers checks every listed member and reports the unlisted ones.
func (rep *Report) checkMembers(members map[string]*zip.File) {
	listed := make(map[string]bool, len(rep.Manifest.Files))
	var total int64
	for _, e := range rep.Manifest.Files {
		switch why := checkName(e.Name); {
		case why != "":
			rep.problem("%s lists %q: unsafe name: %s", ManifestName, e.Name, why)
			continue
		case e.Name == ManifestName || e.Name == SignatureName:
			rep.problem("%s lists itself or its signature", ManifestName)
			continue
		case listed[e.Name]:
			rep.problem("%s lists %q more than once", ManifestName, e.Name)
			continue
		case e.Size < 0 || e.Size > MaxMember:
			rep.problem("%s lists %q with an absurd size of %d bytes (at most %d)", ManifestName, e.Name, e.Size, int64(MaxMember))
			listed[e.Name] = true
			continue
		case total+e.Size > MaxTotal:
			rep.problem("%s lists more than %d bytes in all; %q and after are not checked", ManifestName, int64(MaxTotal), e.Name)
			return
		}
		listed[e.Name] = true
		total += e.Size
		f, ok := members[e.Name]
		if !ok {
			rep.problem("member %q is listed but missing", e.Name)
			continue
		}
		if f == nil {
			continue // repeated: reported already
		}
		if rep.checkMember(f, e) {
			rep.Checked++
			if e.Name == AuditStatusName {
				rep.readAuditStatus(f)
			}
		}
	}
	for name := range members {
		if !listed[name] && name != ManifestName && name != SignatureName {
			rep.problem("member %q is not listed in %s", name, ManifestName)
		}
	}
}

// checkMember streams a member through SHA-256, reading at most one byte
// more than the manifest's size.
func (rep *Report) checkMember(f *zip.File, e Entry) bool {
	rc, err := f.Open()
	if err != nil {
		rep.problem("member %q cannot be read: %v", e.Name, err)
		return false
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, io.LimitReader(rc, e.Size+1))
	switch {
	case err != nil:
		rep.problem("member %q cannot be read: %v", e.Name, err)
	case n > e.Size:
		rep.problem("member %q is larger than the %d bytes listed", e.Name, e.Size)
	case n < e.Size:
		rep.problem("member %q has %d bytes, not the %d listed", e.Name, n, e.Size)
	case hex.EncodeToString(h.Sum(nil)) != strings.ToLower(e.SHA256):
		rep.problem("member %q was changed: its SHA-256 is not the one listed", e.Name)
	default:
		return true
	}
	return false
}

func (rep *Report) readAuditStatus(f *zip.File) {
	b, err := readAll(f, MaxManifest)
	var s AuditStatus
	if err == nil {
		err = json.Unmarshal(b, &s)
	}
	if err != nil {
		rep.problem("%s does not decode: %v", AuditStatusName, err)
		return
	}
	rep.Audit = &s
}

// readAll reads a member of at most max bytes.
func readAll(f *zip.File, max int64) ([]byte, error) {
	rc, err := f.Open()
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	b, err := io.ReadAll(io.LimitReader(rc, max+1))
	if err != nil {
		return nil, err
	}
	if int64(len(b)) > max {
		return nil, fmt.Errorf("larger than %d bytes", max)
	}
	return b, nil
}

package bus_test

import (
	"bytes"
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/bus"
	"github.com/facetriage/facetriage/internal/bus/bustest"
)

func testCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// The embedded server takes no client without credentials, nor one with a
// wrong password or an unknown user.
func TestEmbeddedRefusesUnknownClients(t *testing.T) {
	srv := bustest.Start(t, bus.Topology{})
	url := srv.Embedded.URL()
	if strings.Contains(url, srv.Secrets.App.Password) || strings.Contains(url, "@") {
		t.Fatalf("the URL %q carries credentials", url)
	}
	for name, opts := range map[string][]nats.Option{
		"no credentials":               nil,
		"wrong password":               {nats.UserInfo(srv.Secrets.App.User, srv.Secrets.App.Password+"x")},
		"unknown user":                 {nats.UserInfo("nobody", srv.Secrets.App.Password)},
		"admin's name, app's password": {nats.UserInfo(srv.Secrets.Admin.User, srv.Secrets.App.Password)},
	} {
		nc, err := nats.Connect(url, opts...)
		if err == nil {
			nc.Close()
			t.Errorf("%s: connected", name)
			continue
		}
		if !errors.Is(err, nats.ErrAuthorization) {
			t.Errorf("%s: %v, want an authorization violation", name, err)
		}
	}
}

// dialApp connects as the application user, recording violations.
func dialApp(t *testing.T, srv *bustest.Server) (jetstream.JetStream, *bustest.Violations) {
	t.Helper()
	v := &bustest.Violations{}
	opts, err := bus.Client{URL: srv.Embedded.URL(), Role: bus.RoleAPI, UserPass: &srv.Secrets.App}.Options()
	if err != nil {
		t.Fatal(err)
	}
	nc, err := nats.Connect(srv.Embedded.URL(), append(opts, nats.ErrorHandler(v.Handler))...)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(nc.Close)
	js, err := jetstream.New(nc)
	if err != nil {
		t.Fatal(err)
	}
	return js, v
}

// The application user creates the audit trail and appends to it, but may
// not reconfigure, delete or purge it or its anchor, nor delete a record;
// the administrative user may.
func TestTheApplicationUserCannotRemoveTheAuditTrail(t *testing.T) {
	ctx := testCtx(t)
	srv := bustest.Start(t, bus.Topology{})
	js, v := dialApp(t, srv)
	lg, err := audit.Open(ctx, js, 1)
	if err != nil {
		t.Fatal(err)
	}
	for range 3 {
		if _, err := lg.Append(ctx, audit.Event{Actor: "alice", Action: "login"}); err != nil {
			t.Fatal(err)
		}
	}
	head := "KV_" + audit.BucketHead
	cfg := jetstream.StreamConfig{Name: audit.StreamName, Subjects: []string{"ft.audit.>"}, MaxMsgs: 1,
		Storage: jetstream.FileStorage, DenyDelete: true, DenyPurge: true}
	for subject, call := range map[string]func(context.Context) error{
		"$JS.API.STREAM.UPDATE." + audit.StreamName: func(ctx context.Context) error { _, err := js.UpdateStream(ctx, cfg); return err },
		"$JS.API.STREAM.DELETE." + audit.StreamName: func(ctx context.Context) error { return js.DeleteStream(ctx, audit.StreamName) },
		"$JS.API.STREAM.PURGE." + audit.StreamName: func(ctx context.Context) error {
			st, err := js.Stream(ctx, audit.StreamName)
			if err != nil {
				return err
			}
			return st.Purge(ctx)
		},
		"$JS.API.STREAM.MSG.DELETE." + audit.StreamName: func(ctx context.Context) error {
			st, err := js.Stream(ctx, audit.StreamName)
			if err != nil {
				return err
			}
			return st.DeleteMsg(ctx, 1)
		},
		"$JS.API.STREAM.DELETE." + head: func(ctx context.Context) error { return js.DeleteKeyValue(ctx, audit.BucketHead) },
		"$JS.API.STREAM.UPDATE." + head: func(ctx context.Context) error {
			_, err := js.UpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: audit.BucketHead, History: 5})
			return err
		},
		"$JS.API.STREAM.PURGE." + head: func(ctx context.Context) error {
			st, err := js.Stream(ctx, head)
			if err != nil {
				return err
			}
			return st.Purge(ctx)
		},
	} {
		bustest.Denied(t, v, subject, call)
	}
	// Still whole: the trail verifies, and appends go on.
	if _, err := lg.Append(ctx, audit.Event{Actor: "alice", Action: "logout"}); err != nil {
		t.Fatal(err)
	}
	rep, err := lg.Verify(ctx)
	if err != nil || rep.Records != 4 || len(rep.Problems) > 0 {
		t.Fatalf("verify: %+v, %v", rep, err)
	}
	// The operator's user can.
	adm := srv.Admin(t)
	if err := adm.DeleteKeyValue(ctx, audit.BucketHead); err != nil {
		t.Fatalf("admin: %v", err)
	}
	if err := adm.DeleteStream(ctx, audit.StreamName); err != nil {
		t.Fatalf("admin: %v", err)
	}
}

// Every subject of AuditAdminSubjects names the trail as package audit
// calls it.
func TestAuditAdminSubjectsNameTheTrail(t *testing.T) {
	want := map[string]bool{}
	for _, s := range []string{audit.StreamName, "KV_" + audit.BucketHead} {
		for _, op := range []string{"UPDATE", "DELETE", "PURGE", "MSG.DELETE"} {
			want["$JS.API.STREAM."+op+"."+s] = true
		}
	}
	for _, s := range bus.AuditAdminSubjects() {
		delete(want, s)
	}
	if len(want) > 0 {
		t.Fatalf("not denied: %v", want)
	}
}

const marker = "MARKER-7f3c-family-contact-details"

// writeMarker puts the marker in a key-value bucket and in a stream.
func writeMarker(t *testing.T, js jetstream.JetStream) {
	t.Helper()
	ctx := testCtx(t)
	kv, err := js.CreateOrUpdateKeyValue(ctx, jetstream.KeyValueConfig{Bucket: "ft_marker", Storage: jetstream.FileStorage})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := kv.Put(ctx, "k", []byte(marker)); err != nil {
		t.Fatal(err)
	}
	if _, err := js.Publish(ctx, bus.SubjectOf(bus.StageDecode), []byte(marker)); err != nil {
		t.Fatal(err)
	}
}

func readMarker(t *testing.T, js jetstream.JetStream) {
	t.Helper()
	ctx := testCtx(t)
	kv, err := js.KeyValue(ctx, "ft_marker")
	if err != nil {
		t.Fatal(err)
	}
	e, err := kv.Get(ctx, "k")
	if err != nil || string(e.Value()) != marker {
		t.Fatalf("the marker reads back as %v, %v", e, err)
	}
}

// filesHolding lists the files under dir that contain s.
func filesHolding(t *testing.T, dir, s string) []string {
	t.Helper()
	var found []string
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		b, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		if bytes.Contains(b, []byte(s)) {
			found = append(found, path)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// An encrypted store keeps no plain copy of what is written to it; a plain
// store does (which shows the search would find it).
func TestStoreIsEncryptedAtRest(t *testing.T) {
	for _, encrypt := range []bool{false, true} {
		dir := t.TempDir()
		srv := bustest.StartIn(t, dir, bus.Topology{})
		if encrypt {
			srv.Stop()
			srv = bustest.StartEncryptedIn(t, t.TempDir(), bus.Topology{})
			dir = srv.Dir
		}
		writeMarker(t, srv.JS)
		srv.Stop()
		found := filesHolding(t, filepath.Join(dir, "jetstream"), marker)
		switch {
		case encrypt && len(found) > 0:
			t.Errorf("encrypted store: the marker is in plain text in %v", found)
		case !encrypt && len(found) == 0:
			t.Errorf("plain store: the marker is in no file: the search would find nothing")
		}
		st, err := bus.InspectStore(filepath.Join(dir, "jetstream"))
		if err != nil || st.Encrypted != encrypt || len(st.Streams) == 0 {
			t.Errorf("encrypt=%v: InspectStore = %+v, %v", encrypt, st, err)
		}
	}
}

// A key given for a plain store is refused: nats-server's own in-place
// conversion leaves streams it did not write to unreadable at the next
// start (see ErrStorePlain). The store is left as it was.
func TestAKeyForAPlainStoreIsRefused(t *testing.T) {
	dir := t.TempDir()
	srv := bustest.StartIn(t, dir, bus.Topology{})
	writeMarker(t, srv.JS)
	srv.Stop()
	sec := bustest.SecretsFor(dir)
	emb, err := bus.StartEmbedded(bus.EmbeddedOptions{Dir: dir, App: sec.App, Admin: sec.Admin, StoreKey: sec.StoreKey})
	if err == nil {
		emb.Shutdown()
		t.Fatal("the server started")
	}
	if !errors.Is(err, bus.ErrStorePlain) {
		t.Fatalf("%v, want ErrStorePlain", err)
	}
	srv = bustest.StartIn(t, dir, bus.Topology{})
	readMarker(t, srv.JS)
}

// An encrypted store with no key, or with a wrong one, is refused before
// anything is created over it; with its key it still serves its data.
func TestAnEncryptedStoreNeedsItsKey(t *testing.T) {
	dir := t.TempDir()
	srv := bustest.StartEncryptedIn(t, dir, bus.Topology{})
	writeMarker(t, srv.JS)
	srv.Stop()
	sec := bustest.SecretsFor(dir)
	for name, c := range map[string]struct {
		key  string
		want error
	}{
		"no key":    {"", bus.ErrStoreKeyMissing},
		"wrong key": {bus.RandomSecret(), bus.ErrStoreUnreadable},
	} {
		emb, err := bus.StartEmbedded(bus.EmbeddedOptions{Dir: dir, App: sec.App, Admin: sec.Admin, StoreKey: c.key})
		if err == nil {
			emb.Shutdown()
			t.Fatalf("%s: the server started", name)
		}
		if !errors.Is(err, c.want) {
			t.Fatalf("%s: %v, want %v", name, err, c.want)
		}
		t.Logf("%s: %v", name, err)
	}
	srv = bustest.StartEncryptedIn(t, dir, bus.Topology{})
	readMarker(t, srv.JS)
}

// StartEmbedded needs two distinct users with passwords.
func TestEmbeddedNeedsUsers(t *testing.T) {
	app, admin := bus.NewUserPass("a"), bus.NewUserPass("b")
	for name, o := range map[string]bus.EmbeddedOptions{
		"none":      {},
		"no admin":  {App: app},
		"same user": {App: app, Admin: bus.UserPass{User: "a", Password: "x"}},
		"no app":    {Admin: admin},
	} {
		o.Dir = t.TempDir()
		if emb, err := bus.StartEmbedded(o); err == nil {
			emb.Shutdown()
			t.Errorf("%s: started", name)
		}
	}
}

// An audit stream configured otherwise than package audit would make it is
// not reconfigured by the application (its user may not): Open says so at
// once, instead of waiting for a request the server drops.
func TestAuditOpenDoesNotReconfigureTheTrail(t *testing.T) {
	ctx := testCtx(t)
	srv := bustest.Start(t, bus.Topology{})
	_, err := srv.Admin(t).CreateStream(ctx, jetstream.StreamConfig{Name: audit.StreamName, Subjects: []string{"ft.audit.>"},
		Storage: jetstream.FileStorage, DenyDelete: true, DenyPurge: true, Duplicates: 5 * time.Minute})
	if err != nil {
		t.Fatal(err)
	}
	// A dropped request would end in this context's deadline instead.
	short, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	_, err = audit.Open(short, srv.JS, 1)
	if !errors.Is(err, audit.ErrStreamConfig) || !strings.Contains(err.Error(), "administrative") {
		t.Fatalf("Open = %v, want ErrStreamConfig naming the administrative user", err)
	}
}

// Package config holds the one configuration struct of facetriage. Every
// option has a command-line flag and an environment variable (the struct
// tags are read by github.com/alecthomas/kong); defaults live beside the
// domain code, and the getters here fall back to them.
package config

import (
	"os"
	"path/filepath"
	"time"

	"github.com/facetriage/facetriage/internal/archive"
	"github.com/facetriage/facetriage/internal/auth"
	"github.com/facetriage/facetriage/internal/engine"
)

// Config is every option shared by the subcommands.
type Config struct {
	DataDir  string `name:"data" env:"FACETRIAGE_DATA" type:"path" help:"Data directory (default: $XDG_DATA_HOME/facetriage or ~/.local/share/facetriage)."`
	ModelDir string `name:"models" env:"FACETRIAGE_MODELS" type:"path" help:"Model directory (default: ~/.local/share/facetriage/models, shared by every --data)."`
	LogLevel string `name:"log-level" env:"FACETRIAGE_LOG_LEVEL" enum:"debug,info,warn,error" default:"info" help:"Log level: debug, info, warn or error."`

	Workers   int    `name:"workers" env:"FACETRIAGE_WORKERS" help:"Face recognizers, each using about one core and 150 MB (default: one per core)."`
	Detector  string `name:"detector" env:"FACETRIAGE_DETECTOR" enum:"hog,cnn,hog+cnn" default:"hog+cnn" help:"Face detector: hog+cnn (HOG, and the CNN on photos where HOG finds no face), hog, or cnn (MMOD, ~30x slower)."`
	Upright   bool   `name:"upright" env:"FACETRIAGE_UPRIGHT" help:"Detect upright faces only (no rotation sweep); misses faces photographed sideways."`
	MaxSide   int    `name:"max-side" env:"FACETRIAGE_MAX_SIDE" help:"Longer side, in pixels, that large photos are scaled to for detection (default 1024)."`
	MaxPixels int64  `name:"max-pixels" env:"FACETRIAGE_MAX_PIXELS" help:"Pixel budget per photo; larger images are refused (default 100000000)."`
	Jitter    int    `name:"jitter" env:"FACETRIAGE_JITTER" help:"Average each descriptor over this many jittered copies (slower; default 0)."`
	// FaceBudget bounds the search for faces in one photo (engine.Options.Budget).
	// Normalise reads the words from the normalised score (search.Searcher.Normalise).
	Normalise  bool          `name:"normalise" env:"FACETRIAGE_NORMALISE" help:"From 1,000 faces up, weigh each candidate's distance against how near the archive lies to both faces (S-norm) and read the words from that score: more of the right people found on LFW, but on a small group unlike the rest of the archive the words are wrong in either direction (README, \"Normalised words\"). Default: off, the words read the distance."`
	FaceBudget time.Duration `name:"face-budget" env:"FACETRIAGE_FACE_BUDGET" help:"Once the search for faces in one photo has taken this long (e.g. 20s), it stops before its next, finer level (and the CNN); the photo is marked over budget in its record (status) and in a log line. Default: no limit."`

	NATS             string   `name:"nats" env:"FACETRIAGE_NATS" help:"NATS URL of a JetStream cluster (scale-out mode); empty runs an embedded server in DATA."`
	NATSPort         int      `name:"nats-port" env:"FACETRIAGE_NATS_PORT" help:"Loopback port of the embedded NATS server (default: any free port; see DATA/serve.json)."`
	NATSCreds        string   `name:"nats-creds" env:"FACETRIAGE_NATS_CREDS" type:"path" help:"NATS credentials file (.creds: JWT and seed) for --nats."`
	NATSNKey         string   `name:"nats-nkey" env:"FACETRIAGE_NATS_NKEY" type:"path" help:"NATS NKEY user seed file for --nats."`
	NATSUserFile     string   `name:"nats-userpass" env:"FACETRIAGE_NATS_USERPASS" type:"path" help:"File holding USER:PASSWORD (one line) for --nats."`
	NATSTLSCA        string   `name:"nats-tls-ca" env:"FACETRIAGE_NATS_TLS_CA" type:"path" help:"CA certificate (PEM) to trust for the NATS servers' TLS, besides the system's."`
	NATSTLSCert      string   `name:"nats-tls-cert" env:"FACETRIAGE_NATS_TLS_CERT" type:"path" help:"Client certificate (PEM) for NATS TLS, when the servers ask for one."`
	NATSTLSKey       string   `name:"nats-tls-key" env:"FACETRIAGE_NATS_TLS_KEY" type:"path" help:"The client certificate's key (PEM)."`
	Qdrant           string   `name:"qdrant" env:"FACETRIAGE_QDRANT" help:"Qdrant gRPC address host:port (scale-out mode); empty uses the embedded index in DATA."`
	QdrantCollection string   `name:"qdrant-collection" env:"FACETRIAGE_QDRANT_COLLECTION" default:"faces" help:"Qdrant collection."`
	QdrantAPIKey     string   `name:"qdrant-api-key" env:"FACETRIAGE_QDRANT_API_KEY" help:"Qdrant API key (use the variable: a flag shows in the process list)."`
	QdrantTLS        bool     `name:"qdrant-tls" env:"FACETRIAGE_QDRANT_TLS" help:"Reach Qdrant over TLS (needed for an API key beyond a private network)."`
	QdrantTLSCA      string   `name:"qdrant-tls-ca" env:"FACETRIAGE_QDRANT_TLS_CA" type:"path" help:"CA certificate (PEM) to trust for Qdrant's TLS instead of the system's; implies --qdrant-tls."`
	QdrantExact      bool     `name:"qdrant-exact" env:"FACETRIAGE_QDRANT_EXACT" help:"Exact search in Qdrant (a full scan) instead of its approximate HNSW index."`
	HTTP             string   `name:"http" env:"FACETRIAGE_HTTP" default:"127.0.0.1:8650" help:"Address of the HTTP API (health, readiness, metrics, search)."`
	Replicas         int      `name:"replicas" env:"FACETRIAGE_REPLICAS" help:"Replicas of each JetStream stream and bucket (default 1; 3 on a cluster)."`
	SigningKey       string   `name:"signing-key" env:"FACETRIAGE_SIGNING_KEY" type:"path" help:"Ed25519 signing key file (PKCS#8 PEM, mode 0600) for the audit head and evidence exports; share one among the API processes of a scale-out deployment (default: DATA/secrets/signing.key, made on first use)."`
	Patterns         []string `name:"pattern" env:"FACETRIAGE_PATTERNS" sep:"none" help:"File-name pattern (Go regexp with named groups number, photographer, date, branch); repeatable. Default: see README."`

	SessionIdle      time.Duration `name:"session-idle" env:"FACETRIAGE_SESSION_IDLE" help:"A browser session unused this long ends (default 30m)."`
	SingleReviewer   bool          `name:"single-reviewer" env:"FACETRIAGE_SINGLE_REVIEWER" help:"Let one reviewer identify a candidate they marked possible, and change an identification alone (small teams); by default a second reviewer must."`
	RequireAdminTOTP bool          `name:"require-admin-totp" env:"FACETRIAGE_REQUIRE_ADMIN_TOTP" help:"Admins must use a second factor (a TOTP authenticator app); until they set one up they can do nothing else."`
}

// AuthOptions are the accounts' and sessions' options.
func (c Config) AuthOptions() auth.Options {
	o := auth.Options{Replicas: c.Replicas, IdleTimeout: c.SessionIdle}
	if c.RequireAdminTOTP {
		o.TOTPRoles = []auth.Role{auth.RoleAdmin}
	}
	return o
}

// Embedded reports whether this is the embedded default mode (no NATS URL).
func (c Config) Embedded() bool { return c.NATS == "" }

// NamePatterns are the file-name patterns in use.
func (c Config) NamePatterns() []string {
	if len(c.Patterns) > 0 {
		return c.Patterns
	}
	return archive.DefaultPatterns
}

// DataDirOrDefault is the data directory.
func (c Config) DataDirOrDefault() string {
	if c.DataDir != "" {
		return c.DataDir
	}
	return installationDir()
}

// installationDir is the user's facetriage folder: the default data
// directory, and where the models live whatever --data says.
func installationDir() string {
	if x := os.Getenv("XDG_DATA_HOME"); x != "" {
		return filepath.Join(x, "facetriage")
	}
	if home, err := os.UserHomeDir(); err == nil {
		return filepath.Join(home, ".local", "share", "facetriage")
	}
	return "facetriage-data"
}

// ModelDirOrDefault is the model directory. Models belong to the
// installation, not to one data directory: a new --data uses the models
// already fetched.
func (c Config) ModelDirOrDefault() string {
	if c.ModelDir != "" {
		return c.ModelDir
	}
	return filepath.Join(installationDir(), "models")
}

// EngineOptions are the face engine's options.
func (c Config) EngineOptions() engine.Options {
	return engine.Options{
		Mode:      engine.DetectMode(c.Detector),
		Upright:   c.Upright,
		MaxSide:   c.MaxSide,
		MaxPixels: c.MaxPixels,
		Budget:    c.FaceBudget,
	}
}

package ingestjobs

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/facetriage/facetriage/internal/archive"
)

// ErrRefused: the server refused a request (its status and message are
// in the error).
var ErrRefused = errors.New("the server refused")

// Client starts ingest jobs on a server over its HTTP API, with an API
// token of the ingest role, and follows them.
type Client struct {
	// URL is the server's base URL (http://host:8650).
	URL   string
	Token string
	HTTP  *http.Client
}

func (c *Client) http() *http.Client {
	if c.HTTP != nil {
		return c.HTTP
	}
	return http.DefaultClient
}

// SendArchive streams a zip, tar or tar.gz file as one job.
func (c *Client) SendArchive(ctx context.Context, path, source string) (Job, error) {
	f, err := os.Open(path)
	if err != nil {
		return Job{}, err
	}
	defer f.Close()
	return c.post(ctx, source, "application/octet-stream", f)
}

// SendPhotos sends the photos under paths (files, and folders walked
// without following links inside them) as one multipart job, streamed;
// each photo's name is its path from the folder named, the folder's own
// name included. It returns the job and the number of files sent.
func (c *Client) SendPhotos(ctx context.Context, paths []string, source string) (Job, int, error) {
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	sent := 0
	go func() {
		err := writePhotos(mw, paths, &sent)
		if err == nil {
			err = mw.Close()
		}
		pw.CloseWithError(err)
	}()
	job, err := c.post(ctx, source, mw.FormDataContentType(), pr)
	pr.CloseWithError(io.ErrClosedPipe) // stops the writer if the server answered early
	return job, sent, err
}

func writePhotos(mw *multipart.Writer, paths []string, sent *int) error {
	for _, root := range paths {
		base := filepath.Dir(filepath.Clean(root))
		err := filepath.WalkDir(root, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				return err
			}
			if !d.Type().IsRegular() && !(p == root && !d.IsDir()) {
				return nil // folders are walked; links and special files inside them are not sent
			}
			rel, err := filepath.Rel(base, p)
			if err != nil {
				rel = filepath.Base(p)
			}
			return writePart(mw, filepath.ToSlash(rel), p, sent)
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func writePart(mw *multipart.Writer, name, path string, sent *int) error {
	f, err := os.Open(path)
	if err != nil {
		return err
	}
	defer f.Close()
	h := textproto.MIMEHeader{}
	h.Set("Content-Disposition", `form-data; name="photo"; filename*=UTF-8''`+url.PathEscape(name))
	h.Set("Content-Type", "application/octet-stream")
	w, err := mw.CreatePart(h)
	if err != nil {
		return err
	}
	if _, err := io.Copy(w, f); err != nil {
		return err
	}
	*sent++
	return nil
}

func (c *Client) post(ctx context.Context, source, ctype string, body io.Reader) (Job, error) {
	u := strings.TrimRight(c.URL, "/") + "/api/v1/ingest?source=" + url.QueryEscape(source)
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u, body)
	if err != nil {
		return Job{}, err
	}
	req.Header.Set("Content-Type", ctype)
	var out struct {
		Job
		Error string `json:"error"`
		Kind  string `json:"kind"`
		Inner *Job   `json:"job"`
	}
	status, err := c.do(req, &out)
	if err != nil {
		return Job{}, err
	}
	if status != http.StatusCreated {
		j := Job{}
		if out.Inner != nil {
			j = *out.Inner
		}
		return j, fmt.Errorf("%w the upload: %d %s (%s)", ErrRefused, status, out.Error, out.Kind)
	}
	return out.Job, nil
}

// Job reads a job.
func (c *Client) Job(ctx context.Context, id string) (Job, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimRight(c.URL, "/")+"/api/v1/ingest/"+url.PathEscape(id), nil)
	if err != nil {
		return Job{}, err
	}
	var out struct {
		Job
		Error string `json:"error"`
		Kind  string `json:"kind"`
	}
	status, err := c.do(req, &out)
	if err != nil {
		return Job{}, err
	}
	if status != http.StatusOK {
		return Job{}, fmt.Errorf("%w reading job %s: %d %s (%s)", ErrRefused, id, status, out.Error, out.Kind)
	}
	return out.Job, nil
}

func (c *Client) do(req *http.Request, out any) (int, error) {
	req.Header.Set("Authorization", "Bearer "+c.Token)
	req.Header.Set("Accept", "application/json")
	resp, err := c.http().Do(req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(io.LimitReader(resp.Body, 64<<20)).Decode(out); err != nil {
		return resp.StatusCode, fmt.Errorf("%w: %d, and an answer that is not JSON (%v)", ErrRefused, resp.StatusCode, err)
	}
	return resp.StatusCode, nil
}

// Wait polls a job every interval until it ends, calling fn with each
// state read; a poll that fails is tried again, up to ten times in a row.
func (c *Client) Wait(ctx context.Context, id string, every time.Duration, fn func(Job)) (Job, error) {
	misses := 0
	for {
		j, err := c.Job(ctx, id)
		switch {
		case err == nil:
			misses = 0
			fn(j)
			if j.Ended() {
				return j, nil
			}
		case ctx.Err() != nil || errors.Is(err, ErrRefused):
			return j, err
		default:
			if misses++; misses >= 10 {
				return j, err
			}
		}
		select {
		case <-ctx.Done():
			return j, ctx.Err()
		case <-time.After(every):
		}
	}
}

// IsArchive reports whether a path names an archive sent as a stream.
func IsArchive(path string) bool { return archive.IsArchiveName(path) }

package cli

import (
	"errors"
	"fmt"
	"text/tabwriter"

	"github.com/facetriage/facetriage/models"
	"github.com/facetriage/facetriage/models/dlibconv"
)

type modelsCmd struct {
	Fetch  modelsFetchCmd  `cmd:"" help:"Install the model files: from --from, else dlib.net, else the offline build."`
	Verify modelsVerifyCmd `cmd:"" help:"Check the installed model files against installed.json."`
}

type modelsFetchCmd struct {
	From       string `name:"from" type:"existingdir" help:"A directory holding some or all of the model files; tried first."`
	NoDownload bool   `name:"no-download" help:"Do not try dlib.net (air-gapped sites)."`
	MMOD       string `name:"mmod" type:"existingfile" env:"FACETRIAGE_MMOD" help:"A local copy of mmod_human_face_detector.dat, used when it cannot be downloaded."`
	FaceAPI    string `name:"face-api-tgz" type:"existingfile" help:"A local copy of the @vladmandic/face-api 1.7.15 npm tarball (default: npm pack)."`
	Force      bool   `name:"force" help:"Install again even if the files verify."`
}

func (c *modelsFetchCmd) Run(e *env) error {
	dir := e.cfg.ModelDirOrDefault()
	in, err := models.Fetch(e.ctx, models.Options{
		Dir:            dir,
		FromDir:        c.From,
		NoDownload:     c.NoDownload,
		MMODPath:       c.MMOD,
		FaceAPITarball: c.FaceAPI,
		Force:          c.Force,
		Convert:        dlibconv.Write,
		Log:            e.log,
	})
	printInstalled(e, dir, in)
	if err != nil {
		return fmt.Errorf("models fetch: %w", err)
	}
	if _, err := models.Verify(dir); err != nil {
		return fmt.Errorf("models fetch: installed files do not verify: %w", err)
	}
	return nil
}

type modelsVerifyCmd struct{}

func (c *modelsVerifyCmd) Run(e *env) error {
	dir := e.cfg.ModelDirOrDefault()
	in, err := models.Verify(dir)
	printInstalled(e, dir, in)
	if err != nil {
		if errors.Is(err, models.ErrMissing) {
			return fmt.Errorf("models verify: %w (run `facetriage models fetch`)", err)
		}
		return fmt.Errorf("models verify: %w", err)
	}
	fmt.Fprintln(e.stdout, "all model files verify")
	return nil
}

func printInstalled(e *env, dir string, in models.Installed) {
	fmt.Fprintf(e.stdout, "model directory: %s\n", dir)
	tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "FILE\tSOURCE\tSHA-256\tORIGIN")
	for _, f := range in.Files {
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\n", f.Name, f.Source, f.SHA256, f.Origin)
	}
	tw.Flush()
	for _, f := range in.Files {
		if f.Note != "" {
			fmt.Fprintf(e.stdout, "note: %s: %s\n", f.Name, f.Note)
		}
	}
}

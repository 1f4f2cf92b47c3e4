package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"

	"github.com/facetriage/facetriage/internal/app"
	"github.com/facetriage/facetriage/internal/audit"
	"github.com/facetriage/facetriage/internal/auth"
)

type usersCmd struct {
	Add     usersAddCmd     `cmd:"" help:"Add an account (the password is read from standard input)."`
	List    usersListCmd    `cmd:"" help:"List accounts."`
	Disable usersDisableCmd `cmd:"" help:"Disable an account."`
	Token   tokenCmd        `cmd:"" help:"Create an API token for a batch job (printed once)."`
}

// operator is the account of whoever runs an administrative command on the
// server's machine, for the audit trail.
func operator() string {
	if u := os.Getenv("USER"); u != "" {
		return "cli:" + u
	}
	return "cli"
}

func withAuth(e *env, fn func(rt *app.Runtime, as *auth.Store, lg *audit.Log) error) error {
	rt, err := app.Connect(e.ctx, e.cfg, e.log, app.OwnOrAttach)
	if err != nil {
		return err
	}
	defer rt.Close()
	as, err := rt.OpenAuth(e.ctx)
	if err != nil {
		return err
	}
	lg, err := rt.OpenAudit(e.ctx)
	if err != nil {
		return err
	}
	return fn(rt, as, lg)
}

type usersAddCmd struct {
	Role string `name:"role" required:"" enum:"admin,caseworker,reviewer" help:"admin, caseworker or reviewer."`
	Name string `arg:"" help:"Account name."`
}

func (c *usersAddCmd) Run(e *env) error {
	pw, err := readPassword(e)
	if err != nil {
		return err
	}
	return withAuth(e, func(_ *app.Runtime, as *auth.Store, lg *audit.Log) error {
		if err := as.AddUser(e.ctx, c.Name, auth.Role(c.Role), pw); err != nil {
			return err
		}
		if _, err := lg.Append(e.ctx, audit.Event{Actor: operator(), Action: "user_add", Object: c.Name, Detail: map[string]string{"role": c.Role}}); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "added %s (%s)\n", c.Name, c.Role)
		return nil
	})
}

// readPassword reads one line from standard input (a prompt when it is a
// terminal; piping the password in keeps it out of the shell history).
func readPassword(e *env) (string, error) {
	if st, err := os.Stdin.Stat(); err == nil && st.Mode()&os.ModeCharDevice != 0 {
		fmt.Fprint(e.stderr, "password (at least 12 characters; it will echo): ")
	}
	line, err := bufio.NewReader(os.Stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", usageError{errors.New("no password on standard input")}
	}
	return pw, nil
}

type usersListCmd struct{}

func (c *usersListCmd) Run(e *env) error {
	return withAuth(e, func(_ *app.Runtime, as *auth.Store, _ *audit.Log) error {
		us, err := as.Users(e.ctx)
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tROLE\tDISABLED")
		for _, u := range us {
			fmt.Fprintf(tw, "%s\t%s\t%v\n", u.Name, u.Role, u.Disabled)
		}
		return tw.Flush()
	})
}

type usersDisableCmd struct {
	Name string `arg:"" help:"Account name."`
}

func (c *usersDisableCmd) Run(e *env) error {
	return withAuth(e, func(_ *app.Runtime, as *auth.Store, lg *audit.Log) error {
		if err := as.SetDisabled(e.ctx, c.Name, true); err != nil {
			return err
		}
		_, err := lg.Append(e.ctx, audit.Event{Actor: operator(), Action: "user_disable", Object: c.Name})
		return err
	})
}

type tokenCmd struct {
	Role  string `name:"role" required:"" enum:"admin,caseworker,reviewer" help:"The role the token acts with."`
	Label string `arg:"" help:"What the token is for (e.g. nightly-search)."`
}

func (c *tokenCmd) Run(e *env) error {
	return withAuth(e, func(_ *app.Runtime, as *auth.Store, lg *audit.Log) error {
		secret, t, err := as.CreateToken(e.ctx, c.Label, auth.Role(c.Role), operator())
		if err != nil {
			return err
		}
		if _, err := lg.Append(e.ctx, audit.Event{Actor: operator(), Action: "token_create", Object: t.ID, Detail: map[string]string{"label": c.Label, "role": c.Role}}); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s\n", secret)
		fmt.Fprintf(e.stderr, "token %s (%s, %s): the secret above is shown once; send it as 'Authorization: Bearer SECRET'\n", t.ID, c.Label, c.Role)
		return nil
	})
}

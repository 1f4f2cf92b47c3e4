package cli

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"text/tabwriter"
	"time"

	"golang.org/x/term"

	"github.com/facetriage/facetriage/internal/accounts"
	"github.com/facetriage/facetriage/internal/app"
	"github.com/facetriage/facetriage/internal/auth"
)

type usersCmd struct {
	Add     usersAddCmd     `cmd:"" help:"Add an account (the password is read from standard input)."`
	List    usersListCmd    `cmd:"" help:"List accounts."`
	Disable usersDisableCmd `cmd:"" help:"Disable an account: ends its sessions and revokes its API tokens."`
	Enable  usersEnableCmd  `cmd:"" help:"Enable a disabled account (its old tokens stay revoked)."`
	Unlock  usersUnlockCmd  `cmd:"" help:"Lift a lockout after failed logins."`
	Token   tokenCmd        `cmd:"" help:"Create an API token for your own account (asks for its password; the secret is printed once)."`
}

// operator is whoever runs an administrative command on the server's
// machine: with access to the data directory, they can do anything, and
// the audit trail names them by their system account.
func operator() auth.Actor { return auth.Operator(os.Getenv("USER")) }

func withAccounts(e *env, fn func(s *accounts.Service) error) error {
	rt, err := app.Connect(e.ctx, e.cfg, e.log, app.OwnOrAttach)
	if err != nil {
		return err
	}
	defer rt.Close()
	s, err := rt.Accounts(e.ctx)
	if err != nil {
		return err
	}
	return fn(s)
}

type usersAddCmd struct {
	Role string `name:"role" required:"" enum:"admin,caseworker,reviewer,ingest" help:"admin, caseworker, reviewer or ingest (batch jobs: ingest over HTTP only)."`
	Name string `arg:"" help:"Account name."`
}

func (c *usersAddCmd) Run(e *env) error {
	pw, err := readPassword(e, "password for "+c.Name+" (at least 12 characters)")
	if err != nil {
		return err
	}
	return withAccounts(e, func(s *accounts.Service) error {
		if err := s.AddUser(e.ctx, operator(), c.Name, auth.Role(c.Role), pw); err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "added %s (%s)\n", c.Name, c.Role)
		return nil
	})
}

// readPassword reads one line from standard input: without echo at a
// terminal (with a prompt), or as piped in, which keeps it out of the
// shell's history.
func readPassword(e *env, prompt string) (string, error) {
	var line string
	if fd := int(os.Stdin.Fd()); term.IsTerminal(fd) {
		fmt.Fprintf(e.stderr, "%s: ", prompt)
		b, err := term.ReadPassword(fd)
		fmt.Fprintln(e.stderr)
		if err != nil {
			return "", err
		}
		line = string(b)
	} else {
		l, err := bufio.NewReader(os.Stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", err
		}
		line = l
	}
	pw := strings.TrimRight(line, "\r\n")
	if pw == "" {
		return "", usageError{errors.New("no password on standard input")}
	}
	return pw, nil
}

type usersListCmd struct{}

func (c *usersListCmd) Run(e *env) error {
	return withAccounts(e, func(s *accounts.Service) error {
		us, err := s.Users(e.ctx, operator())
		if err != nil {
			return err
		}
		tw := tabwriter.NewWriter(e.stdout, 2, 4, 2, ' ', 0)
		fmt.Fprintln(tw, "NAME\tROLE\tSTATE")
		for _, u := range us {
			state := "active"
			switch {
			case u.Disabled:
				state = "disabled"
			case time.Now().Before(u.LockedUntil):
				state = "locked until " + u.LockedUntil.Format(time.RFC3339)
			}
			fmt.Fprintf(tw, "%s\t%s\t%s\n", u.Name, u.Role, state)
		}
		return tw.Flush()
	})
}

type usersDisableCmd struct {
	Name string `arg:"" help:"Account name."`
}

func (c *usersDisableCmd) Run(e *env) error {
	return withAccounts(e, func(s *accounts.Service) error {
		return s.SetDisabled(e.ctx, operator(), c.Name, true)
	})
}

type usersEnableCmd struct {
	Name string `arg:"" help:"Account name."`
}

func (c *usersEnableCmd) Run(e *env) error {
	return withAccounts(e, func(s *accounts.Service) error {
		return s.SetDisabled(e.ctx, operator(), c.Name, false)
	})
}

type usersUnlockCmd struct {
	Name string `arg:"" help:"Account name."`
}

func (c *usersUnlockCmd) Run(e *env) error {
	return withAccounts(e, func(s *accounts.Service) error {
		return s.Unlock(e.ctx, operator(), c.Name)
	})
}

// tokenCmd makes a token the way the web UI does: its owner logs in (the
// password from standard input) and creates it for themselves, so that
// nobody, the operator included, mints a token of a role they do not hold.
type tokenCmd struct {
	User  string `name:"user" required:"" help:"Your account: the token acts for it, with its role and cases."`
	Days  int    `name:"days" help:"Days the token is valid (default 90, at most 366)."`
	Code  string `name:"code" help:"The one-time code of your authenticator app, if your account has a second factor."`
	Label string `arg:"" help:"What the token is for (e.g. nightly-search)."`
}

func (c *tokenCmd) Run(e *env) error {
	pw, err := readPassword(e, "password of "+c.User)
	if err != nil {
		return err
	}
	return withAccounts(e, func(s *accounts.Service) error {
		sess, err := s.Login(e.ctx, c.User, pw, c.Code, "cli:"+os.Getenv("USER"))
		if err != nil {
			return err
		}
		a := auth.Actor{Name: sess.User, Role: sess.Role, Via: auth.ViaCLI}
		defer s.Logout(e.ctx, a, sess.ID)
		if sess.MustEnrol {
			return fmt.Errorf("%w: your role must use a second factor: set it up on your account page in the web UI first", auth.ErrForbidden)
		}
		secret, t, err := s.CreateToken(e.ctx, a, c.Label, time.Duration(c.Days)*24*time.Hour)
		if err != nil {
			return err
		}
		fmt.Fprintf(e.stdout, "%s\n", secret)
		fmt.Fprintf(e.stderr, "token %s (%s, %s, for %s, until %s): the secret above is shown once; send it as 'Authorization: Bearer SECRET'\n",
			t.ID, t.Label, t.Role, t.Owner, t.Expires.Format(time.DateOnly))
		return nil
	})
}

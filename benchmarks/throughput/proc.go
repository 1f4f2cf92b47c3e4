//go:build linux

package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// proc is a child process of the binary in its own process group. Every
// line it writes goes to its log file and to onLine.
type proc struct {
	name string
	cmd  *exec.Cmd
	log  string
	done chan struct{} // closed once it has exited and its output is read
	err  error         // its exit, once done
}

// stopGrace is how long a process has to exit after SIGTERM.
const stopGrace = 10 * time.Second

// lineFunc sees each line a process writes, with the time it was read. It
// is called from two goroutines (stdout and stderr).
type lineFunc func(p *proc, stdout bool, line string, at time.Time)

// startProc starts bin with args; the log goes to logDir/name.log.
func startProc(name, bin string, args, env []string, logDir string, onLine lineFunc) (*proc, error) {
	logPath := filepath.Join(logDir, name+".log")
	logFile, err := os.Create(logPath)
	if err != nil {
		return nil, err
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = env
	// Its own group, so that stop reaches anything it starts; and killed
	// by the kernel should this harness die first.
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		logFile.Close()
		return nil, err
	}
	stderr, err := cmd.StderrPipe()
	if err != nil {
		logFile.Close()
		return nil, err
	}
	if err := cmd.Start(); err != nil {
		logFile.Close()
		return nil, fmt.Errorf("%s: %w", name, err)
	}
	p := &proc{name: name, cmd: cmd, log: logPath, done: make(chan struct{})}
	var mu sync.Mutex // the log file
	var readers sync.WaitGroup
	read := func(r io.Reader, isStdout bool) {
		defer readers.Done()
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 64<<10), 4<<20) // embed --json lines hold descriptors
		for sc.Scan() {
			at := time.Now()
			mu.Lock()
			fmt.Fprintln(logFile, sc.Text())
			mu.Unlock()
			if onLine != nil {
				onLine(p, isStdout, sc.Text(), at)
			}
		}
		io.Copy(io.Discard, r) // a line too long: drain, so that it can exit
	}
	readers.Add(2)
	go read(stdout, true)
	go read(stderr, false)
	go func() {
		readers.Wait()
		p.err = cmd.Wait()
		logFile.Close()
		close(p.done)
	}()
	return p, nil
}

// exited reports whether the process has exited.
func (p *proc) exited() bool {
	select {
	case <-p.done:
		return true
	default:
		return false
	}
}

// wait waits for the process to exit; if ctx ends first it stops it.
func (p *proc) wait(ctx context.Context) error {
	select {
	case <-p.done:
		if p.err != nil {
			return p.exitError()
		}
		return nil
	case <-ctx.Done():
		p.stop()
		return context.Cause(ctx)
	}
}

// stop sends SIGTERM to the process group, then SIGKILL after stopGrace,
// and waits for the process.
func (p *proc) stop() {
	if p.exited() {
		return
	}
	pgid := p.cmd.Process.Pid
	_ = syscall.Kill(-pgid, syscall.SIGTERM)
	select {
	case <-p.done:
	case <-time.After(stopGrace):
		_ = syscall.Kill(-pgid, syscall.SIGKILL)
		<-p.done
	}
}

// cpu is the CPU time (user and system, every thread) the running process
// has used, from /proc/PID/stat; once it has exited, its total.
func (p *proc) cpu() (time.Duration, error) {
	if p.exited() {
		st := p.cmd.ProcessState
		return st.UserTime() + st.SystemTime(), nil
	}
	return procCPU(p.cmd.Process.Pid)
}

// exitError says how the process ended, with the end of its log.
func (p *proc) exitError() error {
	return fmt.Errorf("%s exited: %v (log: %s)\n%s", p.name, p.err, p.log, p.tail())
}

// tail is the end of the log, for error messages.
func (p *proc) tail() string {
	b, _ := os.ReadFile(p.log)
	const max = 2000
	if len(b) > max {
		b = b[len(b)-max:]
	}
	return string(b)
}

// clockTicks is the kernel's USER_HZ, the unit of /proc/PID/stat's times:
// 100 on every Linux architecture Go supports.
const clockTicks = 100

// procCPU reads utime and stime of a process.
func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// The command name, in parentheses, may hold spaces: the fields after
	// it start with the state (field 3); utime and stime are fields 14, 15.
	s := string(b)
	f := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
	if len(f) < 13 {
		return 0, fmt.Errorf("/proc/%d/stat: too few fields", pid)
	}
	var ticks int64
	for _, v := range f[11:13] {
		n, err := strconv.ParseInt(v, 10, 64)
		if err != nil {
			return 0, fmt.Errorf("/proc/%d/stat: %w", pid, err)
		}
		ticks += n
	}
	return time.Duration(ticks) * time.Second / clockTicks, nil
}

// selfCPU is the CPU time this process has used (NATS and the Qdrant
// stand-in run in it).
func selfCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// loadAverage is the first line of /proc/loadavg, or "unknown".
func loadAverage() string {
	b, err := os.ReadFile("/proc/loadavg")
	if err != nil {
		return "unknown"
	}
	f := strings.Fields(string(b))
	if len(f) < 3 {
		return "unknown"
	}
	return strings.Join(f[:3], " ")
}

// whileRunning is ctx, cancelled as soon as one of ps exits: ingest would
// otherwise wait for the photos a dead worker held. stop ends the watch.
func whileRunning(ctx context.Context, ps []*proc) (watched context.Context, stop func()) {
	ctx, cancel := context.WithCancelCause(ctx)
	go func() {
		for {
			for _, p := range ps {
				if p.exited() {
					cancel(p.exitError())
					return
				}
			}
			select {
			case <-ctx.Done():
				return
			case <-time.After(500 * time.Millisecond):
			}
		}
	}()
	return ctx, func() { cancel(nil) }
}

// childEnv is this process's environment without facetriage's variables
// (the flags given say everything), plus extra.
func childEnv(extra ...string) []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "FACETRIAGE_") {
			env = append(env, kv)
		}
	}
	return append(env, extra...)
}

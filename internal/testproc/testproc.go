// Package testproc runs the master process of a test server (Dovecot,
// Postfix) as a child of the test in its own process group: its output is
// appended to a log file, the whole group is signalled and waited for on
// stop, and the master is killed if the test binary dies first.
package testproc

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"net"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"syscall"
	"time"
)

// Proc is a running master process and its group.
type Proc struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when the master has exited
}

// Start runs cmd with its standard output and error appended to logPath.
func Start(cmd *exec.Cmd, logPath string) (*Proc, error) {
	out, err := os.OpenFile(logPath, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		return nil, err
	}
	defer out.Close()
	cmd.Stdout, cmd.Stderr = out, out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true, Pdeathsig: syscall.SIGKILL}
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start %s: %w", cmd.Path, err)
	}
	p := &Proc{cmd: cmd, done: make(chan struct{})}
	go func() {
		cmd.Wait() // the exit status adds nothing to the server's log
		close(p.done)
	}()
	return p, nil
}

// Done is closed when the master process has exited.
func (p *Proc) Done() <-chan struct{} { return p.done }

// Signal sends sig to the master process only.
func (p *Proc) Signal(sig syscall.Signal) error { return p.cmd.Process.Signal(sig) }

// Kill sends SIGKILL to the whole group and waits until every process of it
// is gone (so its listening ports are closed).
func (p *Proc) Kill() {
	syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
	<-p.done
	p.waitGroupGone(10 * time.Second)
}

// Stop sends SIGTERM to the group and waits up to timeout for the master to
// exit; then (or at once if it lingers) it kills what is left. It reports a
// master that had to be killed.
func (p *Proc) Stop(timeout time.Duration) error {
	if err := syscall.Kill(-p.cmd.Process.Pid, syscall.SIGTERM); err != nil {
		p.Kill()
		return nil
	}
	select {
	case <-p.done:
		// The master has waited for its children; make sure of it.
		syscall.Kill(-p.cmd.Process.Pid, syscall.SIGKILL)
		p.waitGroupGone(timeout)
		return nil
	case <-time.After(timeout):
		p.Kill()
		return fmt.Errorf("%s ignored SIGTERM for %v and was killed", p.cmd.Path, timeout)
	}
}

// waitGroupGone waits (at most timeout) until no live process is left in
// the group. Zombies do not count: they hold no sockets.
func (p *Proc) waitGroupGone(timeout time.Duration) {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) && len(p.GroupProcs("")) > 0 {
		time.Sleep(2 * time.Millisecond)
	}
}

// GroupProcs returns the live (not zombie) processes of the group whose
// command name is comm ("" for any).
func (p *Proc) GroupProcs(comm string) []int {
	pgid := p.cmd.Process.Pid
	ents, err := os.ReadDir("/proc")
	if err != nil {
		return nil
	}
	var pids []int
	for _, e := range ents {
		if e.Name()[0] < '0' || e.Name()[0] > '9' {
			continue
		}
		stat, err := os.ReadFile("/proc/" + e.Name() + "/stat")
		if err != nil {
			continue
		}
		// pid (comm) state ppid pgrp ...; comm may contain spaces.
		open, end := bytes.IndexByte(stat, '('), bytes.LastIndexByte(stat, ')')
		if open < 0 || end < open {
			continue
		}
		f := strings.Fields(string(stat[end+1:]))
		if len(f) < 3 || f[2] != strconv.Itoa(pgid) || f[0] == "Z" || f[0] == "X" {
			continue
		}
		if comm != "" && string(stat[open+1:end]) != comm {
			continue
		}
		pid, _ := strconv.Atoi(e.Name())
		pids = append(pids, pid)
	}
	return pids
}

// Tail returns the last n lines of s.
func Tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// WaitGreeting polls addr until the server greets with a line starting
// with prefix ("+OK", "220"), answering quit to be polite; it fails when
// exited is closed or timeout passes.
func WaitGreeting(addr, prefix, quit string, exited <-chan struct{}, timeout time.Duration) error {
	deadline := time.Now().Add(timeout)
	pause := 2 * time.Millisecond
	var last error
	for time.Now().Before(deadline) {
		select {
		case <-exited:
			return errors.New("the server exited")
		default:
		}
		if last = greets(addr, prefix, quit); last == nil {
			return nil
		}
		time.Sleep(pause)
		if pause < 50*time.Millisecond {
			pause *= 2
		}
	}
	return fmt.Errorf("no greeting on %s after %v: %w", addr, timeout, last)
}

// greets connects to addr and reads a greeting starting with prefix.
func greets(addr, prefix, quit string) error {
	c, err := net.DialTimeout("tcp", addr, time.Second)
	if err != nil {
		return err
	}
	defer c.Close()
	c.SetDeadline(time.Now().Add(5 * time.Second))
	line, err := bufio.NewReader(c).ReadString('\n')
	if err != nil {
		return err
	}
	if !strings.HasPrefix(line, prefix) {
		return fmt.Errorf("greeting %q", strings.TrimSpace(line))
	}
	_, err = c.Write([]byte(quit + "\r\n"))
	return err
}

// Command popterm is a terminal POP3 mail reader. This file is wiring only:
// global flags, subcommand dispatch and exit codes.
package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"

	"github.com/popterm/popterm/config"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "0.1.0-dev"

// Exit statuses, for scripts and cron.
const (
	exitOK          = 0
	exitFailure     = 1 // one line on stderr says what and what to do
	exitUsage       = 2 // usage or config error
	exitCredentials = 3 // the server refused the credentials
	exitTryLater    = 4 // offline, timeout, [IN-USE], [LOGIN-DELAY], [SYS/TEMP], busy
	exitPending     = 5 // synced, but QUIT did not commit: deletions still pending
)

// env is what every subcommand receives: the global flags and the streams.
type env struct {
	configPath string // --config, "" for the default
	account    string // --account, "" for the default
	stdin      io.Reader
	stdout     io.Writer
	stderr     io.Writer
	// keyring holds account secrets; nil means the real OS keyring.
	keyring config.Store
}

// command is one subcommand.
type command struct {
	summary string
	run     func(ctx context.Context, e *env, args []string) int
}

func commands() map[string]command {
	return map[string]command{
		"sync":     {"fetch new mail and commit the deletions marked with delete", cmdSync},
		"list":     {"list stored messages (offline)", cmdList},
		"show":     {"show a message as text", cmdShow},
		"delete":   {"mark messages for deletion (committed by the next popterm sync, or q in the reader)", cmdDelete},
		"undelete": {"clear deletion marks", cmdUndelete},
		"check":    {"verify the store against its files and repair what is safe", cmdCheck},
		"account":  {"add, list, test, remove accounts; set passwords", cmdAccount},
		"send":     {"send a message written on standard input (queued when offline)", cmdSend},
		"outbox":   {"list, send, retry or drop the messages waiting to be sent", cmdOutbox},
	}
}

func main() {
	// The first signal cancels the work (a sync ends without committing
	// anything); once it has, the default handling comes back, so a second
	// Ctrl-C ends popterm even if cancelling were ever stuck.
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM, syscall.SIGHUP)
	context.AfterFunc(ctx, stop)
	stopProfiles := startProfiles()
	code := run(ctx, os.Args[1:], &env{stdin: os.Stdin, stdout: os.Stdout, stderr: os.Stderr})
	stopProfiles()
	stop()
	os.Exit(code)
}

const usageText = `popterm - a terminal POP3 mail reader

Usage:
  popterm [--config PATH] [--account NAME]       open the reader
  popterm --demo                                 try it on a built-in demo server
  popterm [global flags] COMMAND [flags] [args]

Commands:
%s
Global flags (before or after the command):
  --config PATH    config file (default $XDG_CONFIG_HOME/popterm/config.toml)
  --account NAME   account to use (default: default_account)
  --demo           run against a built-in demo POP3 server (no setup)
  --version        print the version
  --help           this help

Exit status: 0 ok, 1 failure, 2 usage or config error, 3 credentials refused,
4 try later (offline, busy, server asks to wait), 5 deletions still pending.
`

func usage(w io.Writer) {
	var b strings.Builder
	for _, name := range []string{"sync", "list", "show", "delete", "undelete", "check", "account", "send", "outbox"} {
		fmt.Fprintf(&b, "  %-9s %s\n", name, commands()[name].summary)
	}
	fmt.Fprintf(w, usageText, b.String())
}

// run parses the global flags wherever they stand and dispatches.
func run(ctx context.Context, args []string, e *env) int {
	var rest []string
	demo := false
	for i := 0; i < len(args); i++ {
		a := args[i]
		name, value, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if !strings.HasPrefix(a, "-") || a == "-" {
			rest = append(rest, a)
			continue
		}
		if a == "--" {
			rest = append(rest, args[i:]...)
			break
		}
		switch name {
		case "config", "account":
			if !hasValue {
				if i+1 >= len(args) {
					fmt.Fprintf(e.stderr, "popterm: --%s needs a value\n", name)
					return exitUsage
				}
				i++
				value = args[i]
			}
			if name == "config" {
				e.configPath = value
			} else {
				e.account = value
			}
		case "version":
			fmt.Fprintf(e.stdout, "popterm %s\n", version)
			return exitOK
		case "help", "h":
			if len(rest) == 0 {
				usage(e.stdout)
				return exitOK
			}
			rest = append(rest, a)
		case "demo":
			demo = true
		default:
			rest = append(rest, a)
		}
	}
	if demo {
		return runDemo(ctx, e, rest)
	}
	if len(rest) == 0 {
		return runUI(ctx, e)
	}
	cmd, ok := commands()[rest[0]]
	if !ok {
		fmt.Fprintf(e.stderr, "popterm: unknown command %q (see popterm --help)\n", rest[0])
		return exitUsage
	}
	return cmd.run(ctx, e, rest[1:])
}

// newFlagSet makes a subcommand's flag set that reports errors on e.stderr.
func newFlagSet(e *env, name, usageLine string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(e.stderr)
	fs.Usage = func() {
		fmt.Fprintf(e.stderr, "usage: popterm %s\n", usageLine)
		fs.PrintDefaults()
	}
	return fs
}

// fail prints one line on stderr and returns code.
func fail(e *env, code int, format string, args ...any) int {
	fmt.Fprintf(e.stderr, "popterm: "+format+"\n", args...)
	return code
}

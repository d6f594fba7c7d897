package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"

	"github.com/popterm/popterm/message"
)

// Parsing subcommand flags and message IDs.

// parseFlags parses a subcommand's flags, which may stand before, between
// or after its arguments, and returns the arguments. Errors are one line on
// stderr; -h prints the usage line, help text and flags on stdout. done
// reports that the command should return code now.
func parseFlags(e *env, fs *flag.FlagSet, args []string, usageLine, help string) (rest []string, done bool, code int) {
	fs.SetOutput(io.Discard)
	fs.Usage = func() {}
	for {
		err := fs.Parse(args)
		if errors.Is(err, flag.ErrHelp) {
			fmt.Fprintf(e.stdout, "usage: popterm %s\n\n%s\n", usageLine, help)
			fs.SetOutput(e.stdout)
			fs.PrintDefaults()
			return nil, true, exitOK
		}
		if err != nil {
			name := fs.Name()
			return nil, true, fail(e, exitUsage, "%s: %s (see popterm %s -h)", name, message.SanitizeLine(err.Error()), name)
		}
		left := fs.Args()
		if used := len(args) - len(left); used > 0 && args[used-1] == "--" {
			return append(rest, left...), false, exitOK // "--" ends the flags
		}
		if len(left) == 0 {
			return rest, false, exitOK
		}
		rest = append(rest, left[0])
		args = left[1:]
	}
}

// parseIDs reads message IDs as list shows them.
func parseIDs(args []string) ([]int64, error) {
	if len(args) == 0 {
		return nil, errors.New("no message ID given (see popterm list)")
	}
	ids := make([]int64, 0, len(args))
	for _, a := range args {
		id, err := strconv.ParseInt(a, 10, 64)
		if err != nil || id <= 0 {
			return nil, fmt.Errorf("%q is not a message ID (a positive number, see popterm list)", message.Sanitize(a))
		}
		ids = append(ids, id)
	}
	return ids, nil
}

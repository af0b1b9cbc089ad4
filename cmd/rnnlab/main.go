package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"strings"
	"syscall"
)

// Exit statuses.
const (
	exitFailure = 1 // the command ran and failed (divergence, I/O, ...)
	exitUsage   = 2 // the command line or an input file is invalid
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the command line args and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	fmt.Fprintln(root.ErrOrStderr(), "rnnlab:", err)
	var ue *usageError
	// cobra reports unknown sub-commands with an error of its own.
	if errors.As(err, &ue) || strings.HasPrefix(err.Error(), "unknown command") {
		return exitUsage
	}
	return exitFailure
}

// usageError marks an error in the command line or in an input the user
// named: the command did not start its work.
type usageError struct{ err error }

func (e *usageError) Error() string { return e.err.Error() }
func (e *usageError) Unwrap() error { return e.err }

// usage wraps err as a usage error (nil stays nil).
func usage(err error) error {
	if err == nil {
		return nil
	}
	return &usageError{err}
}

// usagef formats a usage error.
func usagef(format string, a ...any) error { return &usageError{fmt.Errorf(format, a...)} }

package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/rnnlab/rnnlab/internal/fblas"
)

// Exit statuses.
const (
	exitFailure = 1 // the command ran and failed (divergence, I/O, ...)
	exitUsage   = 2 // the command line or an input file is invalid
)

// gcPercent is the garbage collector's target unless GOGC is set: the
// engines' work arrays are long-lived and pointer-free, so a smaller heap
// goal costs no measurable time (flip-flop, 300 epochs: 41.9 s at Go's
// default 100, 42.1 s at 50) and keeps a paper-size training's resident
// memory under 100 MB (105 MB at 100, 86 MB at 50; gorgonia 318 MB and
// 251 MB).
const gcPercent = 50

func main() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(gcPercent)
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	os.Exit(run(ctx, os.Args[1:], os.Stdout, os.Stderr))
}

// run executes the command line args and returns the exit status.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if err := fblas.KernelErr(); err != nil { // a refused RNNLAB_GEMM
		fmt.Fprintln(stderr, "rnnlab:", err)
		return exitUsage
	}
	root := newRootCmd()
	root.SetArgs(args)
	root.SetOut(stdout)
	root.SetErr(stderr)
	err := root.ExecuteContext(ctx)
	if err == nil {
		return 0
	}
	msg := err.Error()
	if errors.Is(err, context.Canceled) && msg == context.Canceled.Error() {
		msg = "interrupted" // a bare cancellation (Ctrl-C) says so in words
	}
	fmt.Fprintln(root.ErrOrStderr(), "rnnlab:", msg)
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

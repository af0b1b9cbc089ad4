package main

import (
	"strings"

	"github.com/spf13/cobra"
)

func newRootCmd() *cobra.Command {
	root := &cobra.Command{
		Use:   "rnnlab",
		Short: "Train recurrent networks and study what gradient descent changed in them",
		Long: `rnnlab trains the rate RNNs of Schuessler et al., "The interplay between
randomness and structure during learning in RNNs" (NeurIPS 2020), with an
automatically differentiated gorgonia graph or hand-written backpropagation
through time, and writes weights that load in NumPy and PyTorch.`,
		SilenceUsage:  true,
		SilenceErrors: true,
		// With no sub-command, rnnlab prints its help.
		RunE: func(cmd *cobra.Command, args []string) error {
			if len(args) > 0 {
				return usagef("unknown command %q: see rnnlab help", strings.Join(args, " "))
			}
			return cmd.Help()
		},
	}
	root.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usage(err) })
	root.AddCommand(newTrainCmd(), newEvalCmd(), newGradCmd(), newSweepCmd(), newLinearCmd(), newAnalyzeCmd(), newFiguresCmd(), newVersionCmd())
	root.AddCommand(newTasksCmd(), newActivityCmd())
	root.AddCommand(newBenchCmd(), newModelsCmd())
	root.AddCommand(newSentimentCmd(), newDataCmd(), newReproduceCmd())
	for _, c := range root.Commands() {
		c.SetFlagErrorFunc(func(_ *cobra.Command, err error) error { return usage(err) })
		if c.Args == nil {
			c.Args = noArgs
		}
	}
	return root
}

// noArgs rejects positional arguments as a usage error.
func noArgs(cmd *cobra.Command, args []string) error {
	if len(args) > 0 {
		return usagef("%s takes no positional arguments, got %q", cmd.CommandPath(), strings.Join(args, " "))
	}
	return nil
}

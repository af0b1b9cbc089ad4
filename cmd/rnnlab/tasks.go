package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/spf13/cobra"

	"github.com/rnnlab/rnnlab/datasets/tasks"
	"github.com/rnnlab/rnnlab/internal/fileio"
)

func newTasksCmd() *cobra.Command {
	var asJSON, markdown bool
	cmd := &cobra.Command{
		Use:   "tasks",
		Short: "List every task with its parameters, defaults, units and input/output sizes",
		Long: `List every task with the parameters --task-params takes (JSON names),
their defaults at dt 0.5, units and meaning, and the task's input and
output sizes Din and Dout (the model's follow the task as configured) and
trial length T. Times are in units of the neurons' time constant.`,
		Example: `  rnnlab tasks
  rnnlab tasks --json
  rnnlab train --task flipflop --task-params '{"channels": 3, "t_max": 30}' --out runs/ff3`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var infos []tasks.Info
			for _, name := range tasks.Names() {
				info, err := tasks.Describe(name)
				if err != nil {
					return err
				}
				infos = append(infos, info)
			}
			w := cmd.OutOrStdout()
			switch {
			case asJSON:
				b, err := fileio.MarshalJSON(infos)
				if err != nil {
					return err
				}
				fmt.Fprintln(w, string(b))
			case markdown:
				writeTasksMarkdown(w, infos)
			default:
				writeTasksText(w, infos)
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	cmd.Flags().BoolVar(&markdown, "markdown", false, "print the Markdown tables of the README")
	return cmd
}

// showDefault formats a default value as --task-params takes it.
func showDefault(v any) string {
	b, _ := json.Marshal(v)
	return string(b)
}

// sizesLine says a task's input and output sizes and trial length.
func sizesLine(t tasks.Info) string {
	sizes := ""
	if t.Sizes != "" {
		sizes = " (" + t.Sizes + ")"
	}
	return fmt.Sprintf("Din %d, Dout %d%s; T %d steps at the defaults", t.Din, t.Dout, sizes, t.Steps)
}

func writeTasksText(w io.Writer, infos []tasks.Info) {
	for i, t := range infos {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "%s: %s\n  %s\n", t.Name, t.Doc, sizesLine(t))
		tw := tabwriter.NewWriter(w, 0, 0, 2, ' ', 0)
		fmt.Fprintln(tw, "  parameter\tdefault\tunit\tmeaning")
		for _, p := range t.Params {
			fmt.Fprintf(tw, "  %s\t%s\t%s\t%s\n", p.Name, showDefault(p.Default), p.Unit, p.Doc)
		}
		tw.Flush()
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "file:PATH.npz: the trials of a trial file (input [K, T, Din], target and mask [K, T, Dout], optional dt; docs/tasks.md)")
	fmt.Fprintln(w, "  no parameters; --test-fraction (0.1) or --test-file set the held-out trials")
}

func writeTasksMarkdown(w io.Writer, infos []tasks.Info) {
	for i, t := range infos {
		if i > 0 {
			fmt.Fprintln(w)
		}
		fmt.Fprintf(w, "**%s**: %s. %s.\n\n", t.Name, t.Doc, sizesLine(t))
		fmt.Fprintln(w, "| parameter | default | unit | meaning |")
		fmt.Fprintln(w, "|---|---|---|---|")
		for _, p := range t.Params {
			fmt.Fprintf(w, "| `%s` | `%s` | %s | %s |\n", p.Name, showDefault(p.Default), p.Unit, strings.ReplaceAll(p.Doc, "|", "\\|"))
		}
	}
}

package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/cobra"

	"github.com/rnnlab/rnnlab/models/zoo"
)

// modelInfo is what rnnlab models prints of one model.
type modelInfo struct {
	Name     string          `json:"name"`
	Doc      string          `json:"doc"`
	Options  json.RawMessage `json:"options"`
	Engines  []string        `json:"engines"`
	HasG     bool            `json:"has_g"`
	Matrices []string        `json:"matrices"`
}

func newModelsCmd() *cobra.Command {
	var asJSON bool
	cmd := &cobra.Command{
		Use:   "models",
		Short: "List the models of the zoo with their options, defaults, engines and analysed matrices",
		Long: `List every registered model: its options with their defaults (set them with
--model-options JSON or the option flags of train, grad, sweep and bench),
its engines (--engine), whether it has an initial connectivity strength g
(sweep --g), and the connectivity matrices rnnlab analyze measures
("recurrent" ones also get the shuffle test, the Krylov alignment and the
eigenvalues, per gate block for gated models).`,
		Example: `  rnnlab models
  rnnlab models --json`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			var infos []modelInfo
			for _, name := range zoo.Names() {
				e, _ := zoo.Lookup(name)
				m, err := e.New(nil, zoo.Dims{N: 4, Din: 1, Dout: 1}, 1)
				if err != nil {
					return fmt.Errorf("model %s: %w", name, err)
				}
				s := m.Spec()
				info := modelInfo{Name: name, Doc: e.Doc, Options: e.DefaultsJSON(), Engines: e.Engines(), HasG: s.HasG}
				for _, mx := range s.Matrices {
					d := mx.Param
					if mx.Recurrent {
						d += " (recurrent"
						if len(mx.Blocks) > 0 {
							d += ", gate blocks " + strings.Join(mx.Blocks, ", ")
						}
						d += ")"
					}
					info.Matrices = append(info.Matrices, d)
				}
				infos = append(infos, info)
			}
			w := cmd.OutOrStdout()
			if asJSON {
				b, _ := json.MarshalIndent(infos, "", "  ")
				fmt.Fprintln(w, string(b))
				return nil
			}
			for _, in := range infos {
				fmt.Fprintf(w, "%s: %s\n", in.Name, in.Doc)
				fmt.Fprintf(w, "  options (defaults): %s\n", in.Options)
				fmt.Fprintf(w, "  engines:  %s\n", strings.Join(in.Engines, ", "))
				fmt.Fprintf(w, "  g:        %s\n", yesNo(in.HasG))
				fmt.Fprintf(w, "  matrices: %s\n", strings.Join(in.Matrices, "; "))
			}
			return nil
		},
	}
	cmd.Flags().BoolVar(&asJSON, "json", false, "print JSON")
	return cmd
}

func yesNo(b bool) string {
	if b {
		return "yes (sweep --g)"
	}
	return "no"
}

package main

import (
	"fmt"
	"slices"

	"github.com/spf13/cobra"

	"github.com/rnnlab/rnnlab/datasets"
	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/rnn"
	"github.com/rnnlab/rnnlab/runs"
)

func newGradCmd() *cobra.Command {
	var (
		mf                                modelFlags
		weights, data, out, engine, dtype string
	)
	cmd := &cobra.Command{
		Use:   "grad",
		Short: "Compute the loss and gradients of given weights on given data, for checks against other frameworks",
		Long: `Read weights (wi, wrec, wo[, brec, h0]) and data (input [B,T,Din],
target [B,T,Dout], mask [B,T,Dout], optional noise [B,T,N]) from .npz files,
and write the loss and the gradient of every trainable parameter, under the
parameter's name and in its shape, to an .npz file. N, Din and Dout are read
from the weights; the other model options come from the flags (--g, which
only sets a fresh initialisation, is refused). --noise needs a noise array
in the data and a noise array needs --noise. Arrays may be float, integer
or bool (a mask), converted to float64.`,
		Example: `  rnnlab grad --weights w.npz --data d.npz --out g.npz
  rnnlab grad --weights w.npz --data d.npz --convention ml --train wrec,brec --engine autodiff --out g.npz`,
		RunE: func(cmd *cobra.Command, _ []string) error {
			if weights == "" || data == "" || out == "" {
				return usagef("grad needs --weights, --data and --out")
			}
			n, din, dout, err := runs.InferSizes(weights)
			if err != nil {
				return usage(fmt.Errorf("weights: %w", err))
			}
			fs := cmd.Flags()
			if fs.Changed("n") && mf.n != n {
				return usagef("n = %d but the weights have n = %d", mf.n, n)
			}
			if fs.Changed("g") {
				return usagef("--g sets a fresh random initialisation; grad takes the weights from --weights: drop --g")
			}
			cfg := rnn.DefaultConfig(n, din, dout)
			mf.apply(fs, &cfg)
			cfg.N = n
			if err := cfg.Validate(); err != nil {
				return usage(err)
			}
			w, err := runs.ReadWeights(weights, cfg)
			if err != nil {
				return usage(fmt.Errorf("weights: %w", err))
			}
			m, err := rnn.NewFromWeights(cfg, w)
			if err != nil {
				return usage(err)
			}
			b, err := readBatch(data, cfg)
			if err != nil {
				return usage(fmt.Errorf("data: %w", err))
			}
			dt, err := models.ParseDtype(dtype)
			if err != nil {
				return usage(err)
			}
			eng, err := runs.NewEngine(m, engine, dt)
			if err != nil {
				return usage(err)
			}
			loss, err := eng.LossGrad(b)
			if err != nil {
				return usage(fmt.Errorf("data: %w", err))
			}
			res := map[string]fileio.Array{"loss": fileio.NewArray([]float64{loss})}
			for _, p := range m.Params.Trainable() {
				res[p.Name] = fileio.NewArray(p.Grad, p.Shape...)
			}
			if err := fileio.WriteNPZ(out, res); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "loss %.17g; gradients of %v written to %s\n", loss, cfg.Train, out)
			return nil
		},
	}
	fs := cmd.Flags()
	mf.register(fs)
	fs.StringVar(&weights, "weights", "", "weights .npz")
	fs.StringVar(&data, "data", "", "data .npz with input, target, mask [, noise]")
	fs.StringVar(&out, "out", "", "output .npz for loss and gradients")
	fs.StringVar(&engine, "engine", "bptt", "gradient engine: bptt|autodiff")
	fs.StringVar(&dtype, "dtype", "float64", "precision: float64|float32")
	return cmd
}

// readBatch reads input, target, mask and optional noise arrays [B, T, D]
// from an .npz file and checks them against the model's sizes.
func readBatch(path string, cfg rnn.Config) (*datasets.Batch, error) {
	arrays, err := fileio.ReadNPZ(path)
	if err != nil {
		return nil, err
	}
	get := func(name string, d int) (fileio.Array, error) {
		a, ok := arrays[name]
		if !ok {
			return a, fmt.Errorf("%s: array %q is missing", path, name)
		}
		if len(a.Shape) != 3 || a.Shape[2] != d {
			return a, fmt.Errorf("%s: array %q has shape %v, want [B, T, %d]", path, name, a.Shape, d)
		}
		return a, nil
	}
	in, err := get("input", cfg.Din)
	if err != nil {
		return nil, err
	}
	tg, err := get("target", cfg.Dout)
	if err != nil {
		return nil, err
	}
	mk, err := get("mask", cfg.Dout)
	if err != nil {
		return nil, err
	}
	B, T := in.Shape[0], in.Shape[1]
	want := []int{B, T}
	if !slices.Equal(tg.Shape[:2], want) || !slices.Equal(mk.Shape[:2], want) {
		return nil, fmt.Errorf("%s: input %v, target %v and mask %v disagree on [B, T]", path, in.Shape, tg.Shape, mk.Shape)
	}
	b := &datasets.Batch{B: B, T: T, Din: cfg.Din, Dout: cfg.Dout, Input: in.Data, Target: tg.Data, Mask: mk.Data}
	nz, ok := arrays["noise"]
	switch {
	case ok && cfg.Noise == 0:
		return nil, fmt.Errorf("%s has a \"noise\" array but --noise is 0, so it would be ignored: give --noise (its standard deviation) or drop the array", path)
	case !ok && cfg.Noise > 0:
		return nil, fmt.Errorf("--noise %v but %s has no \"noise\" array: add the standard normal sample xi [%d, %d, %d], or drop --noise", cfg.Noise, path, B, T, cfg.N)
	case ok:
		if !slices.Equal(nz.Shape, []int{B, T, cfg.N}) {
			return nil, fmt.Errorf("%s: array \"noise\" has shape %v, want [%d, %d, %d]", path, nz.Shape, B, T, cfg.N)
		}
		b.Noise = nz.Data
	}
	for name := range arrays {
		if !slices.Contains([]string{"input", "target", "mask", "noise"}, name) {
			return nil, fmt.Errorf("%s: unexpected array %q: data files hold input, target, mask and noise", path, name)
		}
	}
	return b, nil
}

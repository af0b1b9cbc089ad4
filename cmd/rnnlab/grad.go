package main

import (
	"fmt"
	"slices"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/rnnlab/rnnlab/datasets"
	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/rnn"
	"github.com/rnnlab/rnnlab/models/zoo"
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
			fs := cmd.Flags()
			if fs.Changed("g") {
				return usagef("--g sets a fresh random initialisation; grad takes the weights from --weights: drop --g")
			}
			mc, err := gradModel(fs, &mf, weights, data)
			if err != nil {
				return err
			}
			w, err := runs.ReadWeights(weights, mc)
			if err != nil {
				return usage(fmt.Errorf("weights: %w", err))
			}
			m, err := runs.ModelFromWeights(mc, w)
			if err != nil {
				return usage(err)
			}
			if !fs.Changed("engine") && !mc.IsRNN() {
				engine = "autodiff"
			}
			b, err := readBatch(data, m.Spec())
			if err != nil {
				return usage(fmt.Errorf("data: %w", err))
			}
			dt, err := models.ParseDtype(dtype)
			if err != nil {
				return usage(err)
			}
			eng, err := runs.NewEngine(mc, m, engine, dt)
			if err != nil {
				return usage(err)
			}
			loss, err := eng.LossGrad(b)
			if err != nil {
				return usage(fmt.Errorf("data: %w", err))
			}
			res := map[string]fileio.Array{"loss": fileio.NewArray([]float64{loss})}
			var trained []string
			for _, p := range m.Params().Trainable() {
				trained = append(trained, p.Name)
				res[p.Name] = fileio.NewArray(p.Grad, p.Shape...)
			}
			if err := fileio.WriteNPZ(out, res); err != nil {
				return err
			}
			fmt.Fprintf(cmd.ErrOrStderr(), "loss %.17g; gradients of %v written to %s\n", loss, trained, out)
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
func readBatch(path string, cfg models.Spec) (*datasets.Batch, error) {
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
	case ok && cfg.NoiseScale == 0:
		return nil, fmt.Errorf("%s has a \"noise\" array but --noise is 0, so it would be ignored: give --noise (its standard deviation) or drop the array", path)
	case !ok && cfg.NoiseScale > 0:
		return nil, fmt.Errorf("--noise is set but %s has no \"noise\" array: add the standard normal sample xi [%d, %d, %d], or drop --noise", path, B, T, cfg.NoiseDim)
	case ok:
		if !slices.Equal(nz.Shape, []int{B, T, cfg.NoiseDim}) {
			return nil, fmt.Errorf("%s: array \"noise\" has shape %v, want [%d, %d, %d]", path, nz.Shape, B, T, cfg.NoiseDim)
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

// gradModel returns the model configuration of grad: the rate RNN's sizes
// from the weights (wi [Din, N], wo [N, Dout]); another model's N from
// --n and Din and Dout from the data's input and target.
func gradModel(fs *pflag.FlagSet, mf *modelFlags, weights, data string) (runs.ModelConfig, error) {
	var n, din, dout int
	var err error
	if _, err := zoo.Lookup(mf.modelName()); err != nil {
		return runs.ModelConfig{}, usage(fmt.Errorf("model: %w", err))
	}
	if mf.modelName() == runs.DefaultModel {
		if n, din, dout, err = runs.InferSizes(weights); err != nil {
			return runs.ModelConfig{}, usage(fmt.Errorf("weights: %w", err))
		}
		if fs.Changed("n") && mf.n != n {
			return runs.ModelConfig{}, usagef("n = %d but the weights have n = %d", mf.n, n)
		}
	} else {
		if !fs.Changed("n") {
			return runs.ModelConfig{}, usagef("model %s: give its state size with --n", mf.modelName())
		}
		arrays, err := fileio.ReadNPZ(data)
		if err != nil {
			return runs.ModelConfig{}, usage(fmt.Errorf("data: %w", err))
		}
		in, tg := arrays["input"], arrays["target"]
		if len(in.Shape) != 3 || len(tg.Shape) != 3 {
			return runs.ModelConfig{}, usagef("data: %s: input and target must be [B, T, D] arrays", data)
		}
		n, din, dout = mf.n, in.Shape[2], tg.Shape[2]
	}
	mc := runs.ModelConfig{Name: runs.DefaultModel, Config: rnn.DefaultConfig(n, din, dout)}
	if err := mf.apply(fs, &mc); err != nil {
		return mc, err
	}
	mc.N = n
	if err := mc.Validate(); err != nil {
		return mc, usage(err)
	}
	return mc, nil
}

package main

import (
	"strings"

	"github.com/spf13/pflag"

	"github.com/rnnlab/rnnlab/models/rnn"
)

// modelFlags are the rate RNN options shared by train and grad. Only flags
// the user set change the configuration they are applied to, so that
// per-task defaults stay in force.
type modelFlags struct {
	n          int
	g          float64
	dt         float64
	phi        string
	phiOut     string
	convention string
	noise      float64
	train      string
	// gridG leaves --g to the caller (the sweep's grid of g values).
	gridG bool
}

func (f *modelFlags) register(fs *pflag.FlagSet) {
	fs.IntVar(&f.n, "n", 256, "number of neurons N (>= 1)")
	if !f.gridG {
		fs.Float64Var(&f.g, "g", 0, "strength of the random initial connectivity, wrec0 = g X with X_ij ~ N(0, 1/N) (>= 0)")
	}
	fs.Float64Var(&f.dt, "dt", 0.5, "time step in units of the neurons' time constant, in (0, 1]")
	fs.StringVar(&f.phi, "nonlinearity", "tanh", "neurons' nonlinearity: "+strings.Join(rnn.PhiNames, "|"))
	fs.StringVar(&f.phiOut, "readout-nonlinearity", "", "readout nonlinearity (default: the same as --nonlinearity)")
	fs.StringVar(&f.convention, "convention", rnn.Neuro, "update equation: neuro (phi(h) wrec^T) or ml (phi(h wrec^T))")
	fs.Float64Var(&f.noise, "noise", 0, "standard deviation of each neuron's private noise (>= 0)")
	fs.StringVar(&f.train, "train", "wi,wrec,wo", "trainable parameters, any subset of "+strings.Join(rnn.ParamNames, ","))
}

// apply writes the flags the user set into c.
func (f *modelFlags) apply(fs *pflag.FlagSet, c *rnn.Config) {
	set := func(name string, do func()) {
		if fs.Changed(name) {
			do()
		}
	}
	set("n", func() { c.N = f.n })
	if !f.gridG {
		set("g", func() { c.G = f.g })
	}
	set("dt", func() { c.Dt = f.dt })
	set("nonlinearity", func() { c.Phi = f.phi })
	set("readout-nonlinearity", func() { c.PhiOut = f.phiOut })
	set("convention", func() { c.Convention = f.convention })
	set("noise", func() { c.Noise = f.noise })
	set("train", func() { c.Train = splitList(f.train) })
}

// splitList splits a comma-separated list, dropping empty items.
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

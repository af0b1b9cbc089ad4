package main

import (
	"encoding/json"
	"fmt"
	"strings"

	"github.com/spf13/pflag"

	"github.com/rnnlab/rnnlab/models/rnn"
	"github.com/rnnlab/rnnlab/models/zoo"
	"github.com/rnnlab/rnnlab/runs"
)

// modelFlags choose the model (--model, --model-options) and set its
// options, shared by train, grad, sweep and bench. The rate RNN's options
// have flags of their own (--g, --dt, ...); for another model each such
// flag sets the option of the same name, and a flag the model has no
// option for is an error. Only flags the user set change the
// configuration they are applied to, so that per-task defaults stay in
// force.
type modelFlags struct {
	model, options string
	n              int
	g              float64
	dt             float64
	phi            string
	phiOut         string
	convention     string
	noise          float64
	train          string
	// gridG leaves --g to the caller (the sweep's grid of g values).
	gridG bool
}

func (f *modelFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&f.model, "model", runs.DefaultModel, "model: "+strings.Join(zoo.Names(), "|")+" (rnnlab models lists them with their options)")
	fs.StringVar(&f.options, "model-options", "", `the model's options as JSON, e.g. '{"train": ["weight_hh_l0"]}'; option flags override them`)
	fs.IntVar(&f.n, "n", 256, "state size N: neurons, hidden units (>= 1)")
	if !f.gridG {
		fs.Float64Var(&f.g, "g", 0, "strength of the random initial connectivity, wrec0 = g X with X_ij ~ N(0, 1/N) (>= 0)")
	}
	fs.Float64Var(&f.dt, "dt", 0.5, "time step in units of the neurons' time constant, in (0, 1] (other models: the task's time step)")
	fs.StringVar(&f.phi, "nonlinearity", "tanh", "neurons' nonlinearity: "+strings.Join(rnn.PhiNames, "|"))
	fs.StringVar(&f.phiOut, "readout-nonlinearity", "", "readout nonlinearity (default: the same as --nonlinearity)")
	fs.StringVar(&f.convention, "convention", rnn.Neuro, "update equation: neuro (phi(h) wrec^T) or ml (phi(h wrec^T))")
	fs.Float64Var(&f.noise, "noise", 0, "standard deviation of each neuron's private noise (>= 0)")
	fs.StringVar(&f.train, "train", "wi,wrec,wo", "trainable parameters, any subset of the model's (rnn: "+strings.Join(rnn.ParamNames, ",")+")")
}

// optionFlags maps the option flags to the options they set.
var optionFlags = []struct{ flag, option string }{
	{"g", "g"}, {"nonlinearity", "nonlinearity"}, {"readout-nonlinearity", "readout_nonlinearity"},
	{"convention", "convention"}, {"noise", "noise_std"}, {"train", "train"},
}

// modelName returns the model the flags name.
func (f *modelFlags) modelName() string { return f.model }

// apply writes the model the flags name and the options the user set
// into c. Switching to another model than c's starts from that model's
// defaults, keeping the sizes. Errors are usage errors.
func (f *modelFlags) apply(fs *pflag.FlagSet, c *runs.ModelConfig) error {
	e, err := zoo.Lookup(f.model)
	if err != nil {
		return usage(fmt.Errorf("model: %w", err))
	}
	if e.Name != c.Name && !(c.Name == "" && e.Name == runs.DefaultModel) {
		*c = runs.ModelConfig{Name: e.Name, Config: rnn.DefaultConfig(c.N, c.Din, c.Dout)}
	}
	c.Name = e.Name
	if fs.Changed("n") {
		c.N = f.n
	}
	if c.IsRNN() {
		return usage(f.applyRNN(fs, &c.Config))
	}
	opts := map[string]any{}
	if len(c.Options) > 0 {
		if err := json.Unmarshal(c.Options, &opts); err != nil {
			return usage(fmt.Errorf("model %s: options: %w", e.Name, err))
		}
	}
	if f.options != "" {
		var given map[string]any
		if err := json.Unmarshal([]byte(f.options), &given); err != nil {
			return usagef("model-options: not a JSON object: %s", f.options)
		}
		for k, v := range given {
			opts[k] = v
		}
	}
	have := zoo.OptionNames(e.Defaults())
	for _, of := range optionFlags {
		if f.gridG && of.flag == "g" || !fs.Changed(of.flag) {
			continue
		}
		if !contains(have, of.option) {
			return usagef("--%s: model %s has no option %s (its options: %s)", of.flag, e.Name, of.option, strings.Join(have, ", "))
		}
		v, _ := fs.GetString(of.flag)
		switch of.flag {
		case "g", "noise":
			opts[of.option], _ = fs.GetFloat64(of.flag)
		case "train":
			opts[of.option] = splitList(f.train)
		default:
			opts[of.option] = v
		}
	}
	if fs.Changed("dt") {
		c.Dt = f.dt // the task's time step
	}
	raw, _ := json.Marshal(opts)
	if _, err := e.Options(raw); err != nil {
		return usage(err)
	}
	c.Options = raw
	return nil
}

// applyRNN writes the rate RNN's options the user set into c:
// --model-options first, then the option flags.
func (f *modelFlags) applyRNN(fs *pflag.FlagSet, c *rnn.Config) error {
	if f.options != "" {
		if err := zoo.Decode(rnn.Name, json.RawMessage(f.options), &c.Options); err != nil {
			return fmt.Errorf("model-options: %w", err)
		}
	}
	set := func(name string, do func()) {
		if fs.Changed(name) {
			do()
		}
	}
	if !f.gridG {
		set("g", func() { c.G = f.g })
	}
	set("dt", func() { c.Dt = f.dt })
	set("nonlinearity", func() { c.Phi = f.phi })
	set("readout-nonlinearity", func() { c.PhiOut = f.phiOut })
	set("convention", func() { c.Convention = f.convention })
	set("noise", func() { c.Noise = f.noise })
	set("train", func() { c.Train = splitList(f.train) })
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
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

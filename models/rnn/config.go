package rnn

import (
	"fmt"
	"math"
	"slices"
	"strings"
)

// Conventions of the update equation, see the package documentation.
const (
	// Neuro is h <- (1-dt) h + dt (phi(h) wrec^T + u wi + brec), z = phi_out(h) wo.
	Neuro = "neuro"
	// ML is h <- (1-dt) h + dt phi(h wrec^T + u wi + brec), z = phi_out(h wo).
	ML = "ml"
)

// ParamNames lists the rate RNN's parameters in the order they are stored.
var ParamNames = []string{"wi", "wrec", "wo", "brec", "h0"}

// Config holds every option of the rate RNN: its sizes and its Options.
// The zero value is not valid; start from DefaultConfig.
type Config struct {
	// N is the number of neurons.
	N int `json:"n"`
	// Din and Dout are the input and output dimensions.
	Din  int `json:"din"`
	Dout int `json:"dout"`
	Options
}

// Options are the rate RNN's options other than its sizes: what the zoo
// (rnnlab --model rnn --model-options) sets.
type Options struct {
	// G is the strength of the random initial connectivity: wrec0 = g X,
	// X_ij ~ N(0, 1/N).
	G float64 `json:"g"`
	// Dt is the time step in units of the neurons' time constant, in (0, 1].
	Dt float64 `json:"dt"`
	// Phi is the neurons' nonlinearity: tanh, id, relu or softplus.
	Phi string `json:"nonlinearity"`
	// PhiOut is the readout nonlinearity; empty means the same as Phi.
	PhiOut string `json:"readout_nonlinearity,omitempty"`
	// Convention is Neuro or ML.
	Convention string `json:"convention"`
	// Noise is the standard deviation sigma of the private noise of each
	// neuron; the update adds sqrt(dt) sigma xi_t with xi_t ~ N(0, 1).
	Noise float64 `json:"noise_std"`
	// Train names the trainable parameters, a subset of ParamNames.
	Train []string `json:"train"`
}

// DefaultOptions returns the paper's defaults: g = 0, dt = 0.5, tanh,
// neuroscience convention, no noise, wi, wrec and wo trained.
func DefaultOptions() Options {
	return Options{G: 0, Dt: 0.5, Phi: "tanh", Convention: Neuro, Train: []string{"wi", "wrec", "wo"}}
}

// DefaultConfig returns the paper's defaults for a network of n neurons with
// din inputs and dout outputs: g = 0, dt = 0.5, tanh, neuroscience
// convention, no noise, wi, wrec and wo trained.
func DefaultConfig(n, din, dout int) Config {
	return Config{N: n, Din: din, Dout: dout, Options: DefaultOptions()}
}

// ReadoutPhi returns the readout nonlinearity's name (PhiOut, or Phi when
// PhiOut is empty).
func (c Config) ReadoutPhi() string {
	if c.PhiOut == "" {
		return c.Phi
	}
	return c.PhiOut
}

// Validate reports the first invalid option, naming it and its allowed range.
func (c Config) Validate() error {
	switch {
	case c.N < 1:
		return fmt.Errorf("n = %d: the number of neurons must be >= 1", c.N)
	case c.Din < 1:
		return fmt.Errorf("din = %d: the input dimension must be >= 1", c.Din)
	case c.Dout < 1:
		return fmt.Errorf("dout = %d: the output dimension must be >= 1", c.Dout)
	case !(c.G >= 0) || math.IsInf(c.G, 0):
		return fmt.Errorf("g = %v: must be finite and >= 0", c.G)
	case !(c.Dt > 0 && c.Dt <= 1):
		return fmt.Errorf("dt = %v: must be in (0, 1]", c.Dt)
	case !(c.Noise >= 0) || math.IsInf(c.Noise, 0):
		return fmt.Errorf("noise = %v: must be finite and >= 0", c.Noise)
	case c.Convention != Neuro && c.Convention != ML:
		return fmt.Errorf("convention = %q: allowed %s, %s", c.Convention, Neuro, ML)
	}
	if _, err := phiByName(c.Phi); err != nil {
		return fmt.Errorf("nonlinearity: %w", err)
	}
	if _, err := phiByName(c.ReadoutPhi()); err != nil {
		return fmt.Errorf("readout nonlinearity: %w", err)
	}
	for _, n := range c.Train {
		if !slices.Contains(ParamNames, n) {
			return fmt.Errorf("train: unknown parameter %q: allowed any subset of %s",
				n, strings.Join(ParamNames, ","))
		}
	}
	return nil
}

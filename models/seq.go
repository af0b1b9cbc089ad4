package models

import (
	"fmt"

	"gorgonia.org/gorgonia"
	"gorgonia.org/tensor"
)

// Seq is a sequence model on datasets.Batch, written once: its parameters
// and one recurrent step in gorgonia nodes (Cell). The framework
// (package models/autodiff) unrolls the step over a batch's time steps,
// adds the masked MSE loss, differentiates and compiles it: that is the
// model's autodiff engine, and every command of rnnlab can then train,
// evaluate and analyse it.
type Seq interface {
	// Params returns the model's named parameters; their current values
	// are read and their gradients written by the engines.
	Params() *Params
	// Spec describes the model to the framework and the analyses.
	Spec() Spec
	Cell
}

// Cell is one recurrent step of a sequence model, in gorgonia nodes.
type Cell interface {
	// Init returns the initial state for a batch of c.B sequences, one or
	// more nodes (a rate RNN's h [B, N]; an LSTM's h and c), built from
	// the parameters (c.Param) and constants.
	Init(c *StepCtx) ([]*gorgonia.Node, error)
	// Step returns the state after step c.Step from the state before it
	// and the input u [B, Din], and the output z [B, Dout] read from the
	// new state.
	Step(c *StepCtx, state []*gorgonia.Node, u *gorgonia.Node) (next []*gorgonia.Node, z *gorgonia.Node, err error)
}

// StepCtx is what a Cell builds its nodes with: the graph, its dtype, the
// batch size, the step, the parameters' nodes and the noise input. The
// framework makes one per graph; a Cell must not keep it.
type StepCtx struct {
	// G is the graph being built.
	G *gorgonia.ExprGraph
	// Dtype is the graph's dtype: build constants in it (graph.Scalar).
	Dtype tensor.Dtype
	// B is the batch size, T the number of steps.
	B, T int
	// Step is the index of the step being built (0 in Init).
	Step int

	param func(string) *gorgonia.Node
	noise func() (*gorgonia.Node, error)
	memo  map[string]*gorgonia.Node
}

// NewStepCtx returns a context for building a graph; param returns the
// node of a parameter by name and noise the noise input of the current
// step (nil without noise). It is for frameworks: cells receive one.
func NewStepCtx(g *gorgonia.ExprGraph, dt tensor.Dtype, b, t int, param func(string) *gorgonia.Node,
	noise func() (*gorgonia.Node, error)) *StepCtx {
	return &StepCtx{G: g, Dtype: dt, B: b, T: t, param: param, noise: noise, memo: map[string]*gorgonia.Node{}}
}

// Param returns the node of the parameter called name, a [rows, cols]
// matrix or a vector. It panics on an unknown name (a programming error
// in the cell, which the framework reports as an error).
func (c *StepCtx) Param(name string) *gorgonia.Node {
	n := c.param(name)
	if n == nil {
		panic("models: cell asks for unknown parameter " + name)
	}
	return n
}

// Noise returns the noise input of the current step, [B, Spec.NoiseDim]
// and already scaled by Spec.NoiseScale, or nil when the batch carries no
// noise. The node is made on the first call of a step.
func (c *StepCtx) Noise() (*gorgonia.Node, error) {
	if c.noise == nil {
		return nil, nil
	}
	return c.noise()
}

// Memo returns the node stored under key in this graph, building it with
// make on first use: for what every step shares (a transposed matrix, a
// constant), built once per graph. With make nil it only looks the node
// up, and a missing one is an error.
func (c *StepCtx) Memo(key string, make func() (*gorgonia.Node, error)) (*gorgonia.Node, error) {
	if n, ok := c.memo[key]; ok {
		return n, nil
	}
	if make == nil {
		return nil, fmt.Errorf("models: no node memoised under %q (build it in Init)", key)
	}
	n, err := make()
	if err != nil {
		return nil, err
	}
	c.memo[key] = n
	return n, nil
}

// Spec describes a sequence model: its sizes, its noise, and what the
// analyses of the paper look at.
type Spec struct {
	// N is the state size (neurons, hidden units); Din and Dout the input
	// and output sizes.
	N, Din, Dout int
	// Matrices lists the connectivity matrices to analyse, in order.
	Matrices []Matrix
	// HasG says whether the model has an initial random connectivity
	// strength g (the rate RNN's wrec0 = g X); G is its value.
	HasG bool
	G    float64
	// NoiseDim > 0 is the width of the model's private noise: a batch's
	// Noise is then [B, T, NoiseDim] of N(0, 1) draws, multiplied by
	// NoiseScale before the step sees it. NoiseScale 0 means no noise.
	NoiseDim   int
	NoiseScale float64
}

// Matrix is a parameter whose weight change dW the analyses measure.
type Matrix struct {
	// Param names the parameter, a [rows, cols] matrix.
	Param string
	// Recurrent says that the matrix maps the state to the state: square,
	// or (gated models) a stack of square blocks along its rows, one per
	// gate, named by Blocks. The shuffled-W0 test, the Krylov alignment
	// and the eigenvalues apply to recurrent matrices (per block).
	Recurrent bool
	// Blocks names the square row blocks of a recurrent matrix in order
	// (e.g. r, z, n for a GRU's weight_hh_l0 [3H, H]); empty means the
	// matrix itself is square.
	Blocks []string
	// Input and Readout name the parameters that feed the state and read
	// it out, for the Krylov alignment: Input [Din, N] (or, with
	// InputByRow, PyTorch's weight_ih layout [N, Din], [blocks N, Din] for
	// a gated model, whose block rows feed the matching gate), Readout
	// [N, Dout]. Empty when the model has none.
	Input, Readout string
	InputByRow     bool
}

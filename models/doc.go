// Package models holds what every model of the rnnlab zoo shares: named
// parameters that remember their initial values, and the Engine interface
// through which trainers, analyses and the command line drive a model.
//
// # Parameters
//
// A Param is one named weight array (for the rate RNN: wi, wrec, wo, brec,
// h0) stored in float64 whatever precision an engine computes in. It keeps
// its value at initialisation, W0, beside its current value W, so that the
// weight change dW = W - W0, the object of the paper's analyses, is always
// at hand. Params is an ordered set of Param, looked up by name.
//
// # Engines
//
// An Engine computes the loss of a batch and the gradients of the loss with
// respect to the trainable parameters. Each model has several engines that
// compute the same function by different means (for the rate RNN: an
// unrolled gorgonia graph differentiated automatically, and hand-written
// backpropagation through time); a shared test suite checks that they agree
// with each other and with finite differences.
//
// # Sequence models written once
//
// A sequence model on datasets.Batch is a Seq: its Params, a Spec (sizes,
// noise, which parameters are connectivity matrices to analyse, whether it
// has an initial connectivity strength g) and a Cell, one recurrent step
// in gorgonia nodes: the initial state from the parameters and the batch
// size, and one step from (state, u_t) to (new state, z_t). Package
// models/autodiff unrolls the step, adds the masked MSE loss,
// differentiates, compiles and caches the graph: that is every model's
// "autodiff" engine. Package models/zoo registers models by name, with
// their options and their other engines; models/enginetest is the suite
// every registered model passes. docs/models.md walks through adding an
// architecture.
package models

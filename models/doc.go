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
package models

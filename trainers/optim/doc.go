// Package optim holds the optimisers that update a model's trainable
// parameters from their gradients: Adam, with PyTorch's update rule and
// defaults so that runs compare step by step with the paper's code, and
// plain stochastic gradient descent.
//
// Every optimiser implements Optimizer and updates models.Params in place,
// in float64, whatever precision the engine computed the gradients in.
package optim

// Package rnn is the rate RNN of Schuessler et al. (NeurIPS 2020), with
// every option of the authors' code.
//
// Sizes: batch B, time steps T, input Din, neurons N, output Dout.
// Parameters, in the orientation of the authors' PyTorch code so that
// weight files are interchangeable: wi [Din, N], wrec [N, N], wo [N, Dout],
// brec [N], h0 [N]. Per time step, starting from h = h0:
//
//	neuro (default): h <- (1-dt) h + dt (phi(h) wrec^T + u_t wi + brec) + sqrt(dt) sigma xi_t
//	                 z_t = phi_out(h) wo
//	ml:              h <- (1-dt) h + dt phi(h wrec^T + u_t wi + brec) + sqrt(dt) sigma xi_t
//	                 z_t = phi_out(h wo)
//
// with phi one of tanh, id, relu, softplus, phi_out = phi unless set, and
// the loss 0.5 sum(mask (z - target)^2) / sum(mask).
//
// Files:
//
//	config.go    Config: every option, its defaults and validation
//	model.go     Model: the paper's initialisation from g and a seed
//	phi.go       the nonlinearities and their derivatives
//	bptt.go      the hand-written engine: state and work arrays
//	forward.go   its forward pass
//	backward.go  its backpropagation through time
//	autodiff.go  the gorgonia engine: the unrolled graph
//
// Both engines implement models.Engine and pass the shared suite in
// engines_test.go (finite differences, a plain-loop reference, agreement
// with each other).
package rnn

// Package trainers trains any model of the rnnlab zoo: the loop that draws
// a batch, computes loss and gradients with an engine, optionally clips the
// gradient norm and lets an optimiser update the parameters; the hooks
// that watch training (weight snapshots, progress, and, built on the same
// interface, the dW analyses of later packages); and the per-epoch metrics.
//
// One epoch is one batch, as in the paper: flip-flop trains for 1000
// epochs of 32 trials each.
//
// A hook sees every epoch's loss and gradient norm and the named
// parameters, whose current value W and initial value W0 give the weight
// change dW = W - W0. The loop stops cleanly when the context is cancelled
// or the loss stops being finite, and returns the metrics gathered so far
// together with the reason, so that callers can still save what was
// computed.
package trainers

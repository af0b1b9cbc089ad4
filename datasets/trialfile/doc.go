// Package trialfile reads tasks from trial files: .npz archives that hold K
// trials of a sequence task written by any program, so that rnnlab trains on
// tasks from neurogym, PsychRNN or a researcher's own generator.
//
// A trial file holds three arrays, batch-major as datasets.Batch and
// `rnnlab grad --data` lay them out, float32 or float64:
//
//	input   [K, T, Din]   the inputs of K trials of T steps
//	target  [K, T, Dout]  the targets
//	mask    [K, T, Dout]  the weight of every target entry in the loss (>= 0)
//
// and optionally dt, a scalar: the integration time step the trials were
// made for, which must then equal the model's. Read checks every array and
// reports the first problem naming the array (and, for a bad value, the
// entry [k, t, i]); every trial must have a nonzero mask.
//
// A Task splits the trials into a training set and a held-out test set
// (a fraction of the trials chosen by a fixed split seed, or the trials of a
// second file). Training batches are drawn without replacement within a
// pass over the training trials, in an order that is a function of (seed,
// pass) alone: batch i of a training is the same whether the training ran
// straight through or was resumed, with no generator state to save.
package trialfile

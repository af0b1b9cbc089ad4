// Command rnnlab trains and analyses the recurrent networks of Schuessler et
// al., "The interplay between randomness and structure during learning in
// RNNs" (NeurIPS 2020).
//
// Commands, one file each:
//
//	train    train a rate RNN on a task and write a run directory
//	eval     the loss of a run's weights on a fresh test batch, as JSON
//	grad     loss and gradients of given weights on given data (.npz)
//	version  version, Go toolchain and BLAS
//
// Exit status 0 is success, 1 a failure of the work itself (a diverging run,
// a write error), 2 a usage error: a bad flag value or a malformed input
// file. Run `rnnlab help COMMAND` for the flags.
package main

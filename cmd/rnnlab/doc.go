// Command rnnlab trains and analyses the recurrent networks of Schuessler et
// al., "The interplay between randomness and structure during learning in
// RNNs" (NeurIPS 2020).
//
// Commands, one file each:
//
//	reproduce  every experiment of the paper and a report with a verdict per claim
//	train      train a rate RNN on a task and write a run directory (--resume continues one)
//	eval       the loss of a run's weights on a fresh test batch, as JSON
//	grad       loss and gradients of given weights on given data (.npz)
//	analyze    low-rank analysis of a run: spectra, truncation, shuffle test
//	activity   a run's trial activity (inputs, states, rates, outputs) as .npz, with figures
//	tasks      every task's parameters, defaults, units and sizes
//	sweep      trainings over a g grid, resumable and shardable (sweep collect merges shards)
//	figures    the figures of a sweep
//	linear     the linear network against the analytic theory
//	sentiment  the LSTM on SST-2: train, eval, truncate
//	data       data download sst
//	bench      the engines timed side by side
//	version    version, Go toolchain and BLAS
//
// Exit status 0 is success, 1 the work started and did not finish (a
// diverged run, Ctrl-C, a write error), 2 a usage error: nothing started (a
// bad flag value, a malformed input file, --resume of a finished run).
// Run `rnnlab help COMMAND` for the flags.
package main

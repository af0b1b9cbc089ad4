// Package tasks generates batches of the sequence tasks of Schuessler et al.,
// "The interplay between randomness and structure during learning in RNNs"
// (NeurIPS 2020).
//
// Each task is a struct with exported, JSON-tagged fields holding every
// parameter, so that a configuration can be overridden, saved to JSON and
// loaded back (FromJSON). A task draws random trials from a caller-supplied
// *rand.Rand (math/rand/v2), so the same seed gives the same batch. The
// generators follow the authors' task_generators.py (repository
// frschu/neurips_2020_interplay_randomness_structure) step by step; the
// order of random draws differs, since Go's generator is not NumPy's.
//
// Durations are given in time units and converted to steps by int(d / dt),
// truncating as the authors' code does. With the default dt = 0.5 the tasks
// have these sizes:
//
//	name        Din  Dout  T    description
//	flipflop    2    2     100  two-channel flip-flop memory
//	mante       4    1     96   context-dependent integration (2 context + 2 sensory inputs)
//	romo        1    2     56   parametric working memory (compare two pulse amplitudes)
//	fixedpoint  1    1     202  input-driven fixed point (linear-network experiments)
//	cosine      1    1     20   autonomous cosine generation (no input; supplementary)
//
// Every task also has a test mode (Task.Test) used for plots: sample 0 is the
// fixed trial of the authors' test mode and the other samples are drawn from
// the rng as in Sample. The fixed-point and cosine tasks have no randomness,
// so their Test and Sample agree.
package tasks

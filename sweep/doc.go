// Package sweep trains and analyses a grid of rate RNNs, one cell per
// (g, sample), as the paper does to show how initial randomness shapes
// learning (claims 1-4).
//
// A sweep directory holds
//
//	sweep.json        the Spec: training protocol, g grid, samples, analysis
//	cells/g03_s1/     one run directory per cell, as `rnnlab train` writes
//	                  it, plus cell.json with the cell's analysis
//	summary.csv       one row per cell (results only: no timings, host
//	summary.json      names or paths), written when every cell is done
//
// Seeds derive from the base seed, the g index and the sample (CellSeed),
// so any cell can be rerun alone and gives the same numbers. A cell is
// trained in a temporary directory and renamed into place when complete,
// so an interrupted sweep leaves no half-written cell; running the same
// command again skips finished cells. A sweep directory made with other
// settings is refused, naming the setting that differs.
//
// Shards split the cells among processes (cell k belongs to shard k mod n)
// that share one directory, for Slurm job arrays and Kubernetes Indexed
// Jobs; Collect merges the cells into the summary, byte-identical to a
// single-process sweep's.
package sweep

// Package linear runs the linear-RNN experiment of claim 5 (Schuessler et
// al., NeurIPS 2020; SPEC.md, "Linear"): linear networks (phi = id) trained
// with plain SGD, batch 1, wrec only, on the input-driven fixed-point task,
// one cell per (g, target amplitude, sample), each compared with the
// analytic theory of package theory (docs/theory.md).
//
// An experiment directory holds
//
//	linear.json        the Spec: training protocol, g grid, targets and base
//	                   rates, rescaling, samples, what is tracked
//	cells/g03_t1_s0/   one run directory per cell (g index 3, target index
//	                   1, sample 0), laid out as `rnnlab train` writes it
//	                   (config.json, weights_init.npz, weights_final.npz,
//	                   metrics.csv, result.json), plus
//	    theory.json    the prediction for this W0, lr and number of epochs
//	                   (loss curves first order and corrected, dW direction,
//	                   speed-up for this W0 and expected, chi)
//	    tracking.csv   dW's top singular value, its share and the overlaps of
//	                   its singular vectors with the predicted directions,
//	                   every TrackEvery epochs
//	    eigenvalues.npz  eigenvalues of W over training (when EigEvery > 0)
//	    cell.json      the measurements and their comparison with theory.json;
//	                   written last, it marks the cell as finished
//	summary.csv        one row per cell (results only: no timings, host
//	summary.json       names or paths), written when every cell is done
//
// Seeds derive from the base seed, the g index and the sample (CellSeed);
// the target amplitude does not enter, so the cells of one (g, sample)
// train the same network towards different targets. A cell is trained in a
// temporary directory and renamed into place when complete, so an
// interrupted experiment leaves no half-written cell; running it again
// skips finished cells. A directory made with other settings is refused,
// naming the setting that differs.
//
// The learning rate of a cell is base (1 - g^2)^2 with rescaling (the
// paper's protocol, which makes the learning curves of all g collapse) and
// base without, where the learning time should shrink with g like the
// speed-up factor.
package linear

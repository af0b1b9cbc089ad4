// Package sentiment trains and analyses the sentiment LSTM of claim 6 of
// Schuessler et al. (NeurIPS 2020): a two-layer LSTM (package models/lstm)
// trained on SST-2 (package datasets/sst), whose weight changes
// dW = W - W0 turn out to be low rank. It is what `rnnlab sentiment train`,
// `eval` and `truncate` do, as a library, and the counterpart of package
// runs for the rate RNN.
//
// # Training
//
// Train reads the training and development splits, builds the vocabulary
// of the training sentences, initialises the model from the seed
// (optionally with GloVe vectors), and trains with Adam at lr0/H (the
// paper's 0.01/256; see Config.LR) through trainers.Run, one step per
// batch: step s is batch (s-1) mod B of pass (s-1) div B + 1, where B is
// the number of batches per pass and each pass draws a new length-bucketed
// order from the seed (sst.Batcher). After each pass the development split
// is evaluated.
//
// A run directory holds
//
//	config.json        everything needed to rerun (Config), the data
//	                   directory resolved
//	vocab.json         the vocabulary (ids of the weight rows)
//	weights_init.npz   the parameters at initialisation, named and shaped
//	                   as PyTorch's state_dict (encoder.weight,
//	                   rnn.weight_ih_l0, ..., decoder.bias)
//	weights_final.npz  the same after training
//	metrics.csv        per epoch: train loss and accuracy, dev loss and
//	                   accuracy, wall time
//	steps.csv          per step: batch loss and gradient norm
//	dw_spectra.npz     singular values of dW during training: "steps",
//	                   "epochs" [S] and per matrix [S, k], with the gate
//	                   blocks of the LSTM matrices as "rnn.weight_hh_l0[i]",
//	                   "[f]", "[g]", "[o]"
//	result.json        status (completed, diverged, interrupted, failed),
//	                   steps and epochs done, last dev numbers, wall time
//
// Every file is written atomically. A run that diverges or is interrupted
// still writes its metrics, weights, spectra and result.
//
// # Checkpoints
//
// Every Config.CheckpointEvery epochs (default 1; not after the last) and
// when its context is cancelled (Ctrl-C), a run also saves a checkpoint:
//
//	checkpoint.json              the step and epoch reached, Adam's step
//	                             count, the state of the dropout
//	                             generator, the sums of the epoch under
//	                             way, the wall time so far
//	checkpoint_sNNNNNNNNN.npz    the parameters, Adam's moments, the
//	                             metrics of the steps and epochs so far,
//	                             the dW spectra recorded
//
// The .npz file (named by step) is written first, then the index, then
// older .npz files are removed, so that a crash at any time leaves a
// complete checkpoint. A cancelled run saves the state after its last
// step, within an epoch if need be; a killed one leaves the last periodic
// checkpoint. The batch order needs no saving: that of pass p is drawn
// from (Seed, p). Resume continues from the checkpoint and ends with the
// weights_final.npz, steps.csv, dw_spectra.npz and metrics.csv (but for
// its seconds column, a wall time) of an uninterrupted run with the same
// engine and dtype, byte for byte. A completed run removes its checkpoint.
//
// Seeds: lstm.New draws the initial weights from Seed; the batch order of
// pass p comes from (Seed, p); the dropout masks from the PCG stream
// (Seed, 2); vectors of words missing from an embeddings file from Seed.
// The same configuration and engine give the same run.
//
// # Analysis
//
// Run.Truncate evaluates, on one split, the network whose recurrent
// matrices (weight_hh_l0, weight_ih_l1, weight_hh_l1) are replaced
// together, and each alone, by W0 + rank-R(dW) or by rank-R(W), for R on a
// grid; every other parameter stays trained. It also reports the singular
// values of dW of every LSTM matrix, whole and per gate block, and how
// many of them hold 90% of ||dW||^2. Figures draws the curves and
// spectra.
//
// # Presets and what they show
//
// PaperConfig is the authors' protocol (Adam at 0.01/256 for 500 epochs
// over the sentences, with frozen GloVe vectors in their notebook). At
// that rate the development accuracy is still at chance after one epoch
// over the sentences, so the default preset (DefaultConfig) trains
// faster: Adam at 1e-3 on the phrases of the training trees, 81.3%
// development accuracy after one epoch and 82.2% after two, with a
// random, trained embedding.
//
// The learning rate decides whether claim 6 shows (measured on the shared
// SST copy, bptt, float32, seed 1, two epochs over the phrases; weight_hh_l0,
// weight_ih_l1 and weight_hh_l1 truncated together, development split):
//
//	Adam rate       dev acc   R within 1 point   acc at that R: dW   W
//	0.01/256        0.740     16                 0.733              0.685
//	1e-3 (default)  0.822     16                 0.818              0.812
//
// With the paper's rate dW stays small: its largest singular value (1.9
// to 4.4) is about that of W0 (1.7), and cutting W itself to rank R loses
// the random bulk of W0 that the network relies on. With the larger rate
// dW dominates W (Frobenius norm 1.5 to 2 times W0's, largest singular
// value 10 to 20), the leading singular directions of W are those of dW,
// and W truncation does nearly as well as dW truncation. dW is most
// concentrated at the paper's rate: 3 of 256 singular values hold 90% of
// ||dW||^2 of weight_hh_l1, 12 of weight_ih_l1, 55 of weight_hh_l0 (39,
// 83 and 111 at 1e-3).
package sentiment

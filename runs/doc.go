// Package runs turns a configuration into a training run on disk and back:
// it is what `rnnlab train`, `eval`, `grad`, `analyze` and `activity` do, as a
// library, so that sweeps and reproductions train networks exactly as the
// command line does.
//
// A run directory holds
//
//	config.json         everything needed to rerun (task and its parameters,
//	                    the model: name, sizes and options; training
//	                    protocol, engine, seed)
//	weights_init.npz    every parameter at initialisation (float64; the
//	                    rate RNN's wi, wrec, wo, brec, h0)
//	weights_final.npz   the same arrays after training
//	metrics.csv         epoch, loss, grad_norm
//	result.json         status (completed, stopped, diverged, interrupted),
//	                    epochs done, final loss, wall time; a stopped run
//	                    also the epoch and the test loss of its stop
//	stop.csv            with stop-every: epoch, test_loss of every
//	                    stop-loss test
//	activity.npz        optional (Run.Activity): states and outputs of test
//	                    trials
//	snapshots.npz       optional: epochs [S] and one [S, ...] array per
//	                    snapshotted parameter
//
// Arrays have the shapes of the paper's code (wi [Din, N], wrec [N, N],
// wo [N, Dout], brec [N], h0 [N]; for other models of the zoo their
// parameters' names and shapes, e.g. torch.nn.GRU's) and load with
// numpy.load.
//
// The model is any of the zoo's (ModelConfig, package models/zoo); a
// config.json written before models had names is read as the rate RNN's.
//
// Seeds: the model is initialised from Seed; training batches are drawn
// from a PCG stream (Seed, 1) and noise samples from (Seed, 2), so one seed
// fixes the whole run. A trial file's training batches are instead a
// function of (Seed, epoch) (package trialfile); the stop-loss test batch
// comes from (Seed, 7) and its noise from (Seed, 8).
package runs

// Package autodiff is the framework that turns a sequence model written
// once as a recurrent step (models.Seq) into an engine: it unrolls the
// step over a batch's time steps, adds the masked MSE loss of the paper,
// differentiates with gorgonia.Grad, compiles a TapeMachine, caches the
// compiled graph per batch shape and binds each batch's values into it.
//
// Every model of the zoo gets this engine under the name "autodiff";
// hand-written engines (the rate RNN's bptt) are optional extras that must
// agree with it (models/enginetest).
//
// # The graph
//
// The graph has one input node per time step for the input u_t [B, Din],
// the target and mask [B, Dout] and, for noisy models, the noise
// [B, NoiseDim] (pre-scaled by Spec.NoiseScale), rather than one [T*B, D]
// node sliced per step: gorgonia's slice op hashes its bounds truncated to
// a byte, so slices of long axes collide (see package graph). Node names
// are salted and the graph rebuilt when two nodes' hashes collide.
//
// The loss is 0.5 sum(mask (z - y)^2) / sum(mask) over every step, trial
// and output (graph.MaskedMSESeq), the same for every model.
package autodiff

// Package graph holds the gorgonia helpers that the automatically
// differentiated engines of rnnlab's models share (the rate RNN's autodiff
// engine now, an LSTM later).
//
// A model engine builds one gorgonia expression graph per batch shape, binds
// persistent values to its input nodes once, and before every run writes the
// current parameter values and the batch into those values; it runs the
// compiled TapeMachine, copies the loss and the gradients out, and resets the
// machine. The helpers here make each of those steps short and safe:
//
//   - Dtype and Scalar map models.Dtype to tensor.Dtype and build constants
//     of the graph's dtype (gorgonia.NewConstant(0.5) is float64 and panics
//     in a float32 graph).
//   - Input is an input node with a value bound once, whose backing array is
//     overwritten in place before each run (no allocation per iteration).
//   - Params binds a models.Params into a graph: one node per parameter,
//     named as the parameter, loaded from the float64 W before each run;
//     after a run it writes the gradients of the trainable parameters into
//     Param.Grad and zeroes the others.
//   - Reader wraps gorgonia.Read: the TapeMachine reuses the memory of
//     intermediate nodes, so node.Value() after RunAll may hold another
//     node's result; a Reader holds a copy taken during the run.
//   - Program compiles a graph into a TapeMachine after checking it for
//     node hash collisions, and runs it (RunAll, then Reset).
//   - Cache keeps one built program per key, e.g. (batch, T, dtype).
//   - MaskedMSE, MaskedMSESeq and BCEWithLogitsMean are the losses.
//   - SliceRows and SliceCols slice a matrix with correctly hashed bounds
//     (use them, not gorgonia.Slice, e.g. for an LSTM's gates).
//   - Zeros, BroadcastRows and AddRow build zero constants and broadcast a
//     vector (a bias, an initial state) over the rows of a batch.
//   - Softplus, ReLU and Log1pExp are pointwise ops with PyTorch's values and
//     derivatives (gorgonia's Softplus switches to the identity at 16 rather
//     than 20, and its Rectify has derivative 1 at 0).
//
// # Gorgonia v0.9.18 pitfalls designed around
//
// Node hashes. Gorgonia merges nodes whose 32-bit hashes agree: when
// building (ExprGraph.AddNode merges nodes it deems equal by their op hash)
// and when compiling (common-subexpression elimination compares hashes
// only, upstream PR #581). The slice op hashes its start and end truncated
// to one byte, so Slice(x, S(0, 10)) and Slice(x, S(256, 266)) are the same
// node, and Concat's gradient, built from such slices, is silently wrong
// once offsets pass 255 (an LSTM's gate slices of a [B, 4H] matrix with
// H = 256 all collide). Engines therefore avoid gorgonia's Slice and
// Concat: the rate RNN binds one input node per time step, and SliceRows /
// SliceCols hash their full bounds. Independently, any two distinct nodes
// may share a 32-bit hash by chance (about 0.2% for the 4,200 nodes of a
// T = 100 rate RNN); Compile rejects such a graph (ErrHashCollision), and
// the engine rebuilds it with salted input names (see Salted).
//
// Memory reuse. TapeMachine reuses registers, so read every value needed
// after a run through a Reader, and rewrite every bound input before every
// run (Params.Load, Input.CopyFrom): an op may have overwritten it in place.
//
// Reset. The LispMachine's Reset is broken (stale results); Program uses
// the TapeMachine. TapeMachine.Reset drops every intermediate value, so each
// run allocates its intermediates anew.
package graph

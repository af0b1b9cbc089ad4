// Package lstm is the sentiment network of claim 6 of Schuessler et al.
// (NeurIPS 2020): token embeddings, a stack of LSTM layers, dropout on the
// last layer's final hidden state and a linear decoder to one logit,
// trained with binary cross-entropy on SST-2 (package datasets/sst).
//
// Parameters are named, shaped and ordered as the state_dict of the
// equivalent PyTorch module (encoder = nn.Embedding(V, E), rnn =
// nn.LSTM(E, H, num_layers=L), decoder = nn.Linear(H, 1)), so weight files
// move between rnnlab and PyTorch as .npz archives:
//
//	encoder.weight     [V, E]
//	rnn.weight_ih_l{k} [4H, E] for k = 0, [4H, H] above
//	rnn.weight_hh_l{k} [4H, H]
//	rnn.bias_ih_l{k}   [4H]
//	rnn.bias_hh_l{k}   [4H]
//	decoder.weight     [1, H]
//	decoder.bias       [1]
//
// The rows of the LSTM arrays are four gate blocks of H rows in PyTorch's
// order i, f, g, o (input, forget, cell candidate, output); GateBlock cuts
// one out, for the per-gate analysis of dW.
//
// Per layer and step, with x_t the layer's input and h, c starting at 0:
//
//	i = sigmoid(W_ii x_t + b_ii + W_hi h + b_hi)   (rows 0..H-1)
//	f = sigmoid(W_if x_t + b_if + W_hf h + b_hf)   (rows H..2H-1)
//	g = tanh(W_ig x_t + b_ig + W_hg h + b_hg)      (rows 2H..3H-1)
//	o = sigmoid(W_io x_t + b_io + W_ho h + b_ho)   (rows 3H..4H-1)
//	c = f * c + i * g,  h = o * tanh(c)
//
// A sentence's final state is the last layer's h after its last token (as
// with packed sequences in PyTorch), so padding never changes a result;
// logit = decoder.weight (mask * h_final) + decoder.bias, and the loss is
// the mean of BCE-with-logits over the batch.
//
// Files:
//
//	config.go    Config: sizes, dropout, frozen embedding; names and shapes
//	model.go     Model: initialisation from a seed or weights; dropout draws
//	weights.go   Save, SaveInit, Load, LoadCurrent: .npz weight files
//	autodiff.go  Autodiff: the gorgonia engine, an unrolled graph
//	bptt.go      BPTT: the hand-written engine (NewBPTT), its buffers
//	bptt_forward.go, bptt_backward.go
//	             its forward pass over packed sequences and its
//	             backpropagation through time, float32 or float64
//	eval.go      Predict, Correct, Evaluate: accuracy and loss over batches
//
// Importing the package turns off the tensor package's header pool (see
// the comment on init in autodiff.go): the engine frees the values gorgonia
// keeps on the graph's nodes after every run, which that pool makes
// unsafe.
//
// Both engines implement models.Engine[*sst.Batch] and Forwarder; their
// gradients are checked against finite differences, their losses against
// a plain-loop reference, and each other within 1e-9 in float64, in the
// tests.
package lstm

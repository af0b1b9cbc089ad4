// Package elman is the Elman network of the rnnlab zoo, torch.nn.RNN with
// tanh and a linear readout: the worked example of docs/models.md, "add an
// architecture". One file of model code, elman.go; tests beside it.
//
//	h' = tanh(u weight_ih_l0^T + bias_ih_l0 + h weight_hh_l0^T + bias_hh_l0)
//	z  = h' wo
//
// with weight_ih_l0 [H, Din], weight_hh_l0 [H, H], the biases [H] and wo
// [H, Dout], from h0 = 0, initialised as torch.nn.RNN and nn.Linear(H,
// Dout, bias=False) are (uniform in +-1/sqrt(H)), except for an option g
// that scales weight_hh_l0's initial values: the Elman network has an
// initial connectivity strength, so that `rnnlab sweep --model elman --g`
// asks the paper's question of it.
package elman

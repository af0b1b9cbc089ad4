// Package gru is the gated recurrent unit of the rnnlab zoo, written only
// against the public model API (models.Seq, registered with package
// models/zoo): one file of model code, gru.go.
//
// Its parameters have PyTorch's names, shapes and gate order, so that its
// recurrent arrays load into torch.nn.GRU(Din, H, batch_first=True)
// unchanged:
//
//	weight_ih_l0 [3H, Din]   rows: W_ir, W_iz, W_in
//	weight_hh_l0 [3H, H]     rows: W_hr, W_hz, W_hn
//	bias_ih_l0   [3H]
//	bias_hh_l0   [3H]
//	wo           [H, Dout]   the linear readout, z_t = h_t wo (no bias)
//
// and one step is torch's:
//
//	r  = sigmoid(u W_ir^T + b_ir + h W_hr^T + b_hr)
//	z  = sigmoid(u W_iz^T + b_iz + h W_hz^T + b_hz)
//	n  = tanh(u W_in^T + b_in + r * (h W_hn^T + b_hn))
//	h' = (1 - z) * n + z * h
//
// from h0 = 0. Initialisation is torch's: every GRU parameter uniform in
// [-1/sqrt(H), 1/sqrt(H)], and wo as nn.Linear(H, Dout, bias=False)
// initialises its weight [Dout, H] (the same bound), stored transposed.
// The GRU has no initial connectivity strength g; weight_hh_l0 is its
// recurrent connectivity, analysed per gate block (r, z, n).
package gru

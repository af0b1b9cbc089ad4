package lstm

import (
	"fmt"
	"math"
)

// Config holds every option of the sentiment LSTM. The zero value is not
// valid; start from DefaultConfig.
type Config struct {
	// Vocab is the vocabulary size V (ids 0..V-1), >= 2.
	Vocab int `json:"vocab"`
	// Emb is the embedding dimension E.
	Emb int `json:"emb"`
	// Hidden is the number of hidden units H of every layer.
	Hidden int `json:"hidden"`
	// Layers is the number of stacked LSTM layers L.
	Layers int `json:"layers"`
	// Dropout is the probability p with which the final hidden state's
	// units are dropped in training, in [0, 1). The engines apply the mask
	// a batch carries; DrawDropout draws it.
	Dropout float64 `json:"dropout"`
	// FreezeEmbedding keeps encoder.weight fixed (e.g. pretrained GloVe
	// vectors, as the authors).
	FreezeEmbedding bool `json:"freeze_embedding"`
}

// DefaultConfig returns the paper's network for a vocabulary of v ids:
// E = 100, H = 256, 2 layers, dropout 0.5, trainable embedding.
func DefaultConfig(v int) Config {
	return Config{Vocab: v, Emb: 100, Hidden: 256, Layers: 2, Dropout: 0.5}
}

// Validate reports the first invalid option, naming it and its allowed
// range.
func (c Config) Validate() error {
	switch {
	case c.Vocab < 2:
		return fmt.Errorf("vocab = %d: the vocabulary size must be >= 2 (<pad> and <unk>)", c.Vocab)
	case c.Emb < 1:
		return fmt.Errorf("emb = %d: the embedding dimension must be >= 1", c.Emb)
	case c.Hidden < 1:
		return fmt.Errorf("hidden = %d: the number of hidden units must be >= 1", c.Hidden)
	case c.Layers < 1:
		return fmt.Errorf("layers = %d: the number of layers must be >= 1", c.Layers)
	case !(c.Dropout >= 0 && c.Dropout < 1) || math.IsNaN(c.Dropout):
		return fmt.Errorf("dropout = %v: must be in [0, 1)", c.Dropout)
	}
	return nil
}

// Parameter names, as in PyTorch's state_dict of a model with attributes
// encoder (nn.Embedding), rnn (nn.LSTM) and decoder (nn.Linear).
const (
	EncoderWeight = "encoder.weight"
	DecoderWeight = "decoder.weight"
	DecoderBias   = "decoder.bias"
)

// WeightIH returns the name of layer k's input-to-hidden weights,
// "rnn.weight_ih_l{k}", shape [4H, in] with in = E for k = 0 and H above.
func WeightIH(k int) string { return fmt.Sprintf("rnn.weight_ih_l%d", k) }

// WeightHH returns the name of layer k's hidden-to-hidden weights,
// "rnn.weight_hh_l{k}", shape [4H, H].
func WeightHH(k int) string { return fmt.Sprintf("rnn.weight_hh_l%d", k) }

// BiasIH returns the name of layer k's input bias, "rnn.bias_ih_l{k}", [4H].
func BiasIH(k int) string { return fmt.Sprintf("rnn.bias_ih_l%d", k) }

// BiasHH returns the name of layer k's hidden bias, "rnn.bias_hh_l{k}", [4H].
func BiasHH(k int) string { return fmt.Sprintf("rnn.bias_hh_l%d", k) }

// Gates names the four gate blocks of the rows of an LSTM weight or bias,
// in PyTorch's order: rows [0, H) are the input gate i, [H, 2H) the forget
// gate f, [2H, 3H) the cell candidate g, [3H, 4H) the output gate o.
var Gates = []string{"i", "f", "g", "o"}

// ParamNames returns the names of the parameters in the order a Model
// stores them: encoder.weight; for each layer k weight_ih, weight_hh,
// bias_ih, bias_hh (PyTorch's order); decoder.weight, decoder.bias.
func (c Config) ParamNames() []string {
	names := []string{EncoderWeight}
	for k := 0; k < c.Layers; k++ {
		names = append(names, WeightIH(k), WeightHH(k), BiasIH(k), BiasHH(k))
	}
	return append(names, DecoderWeight, DecoderBias)
}

// Shapes returns the shape of every parameter, keyed by name.
func (c Config) Shapes() map[string][]int {
	h := c.Hidden
	s := map[string][]int{
		EncoderWeight: {c.Vocab, c.Emb},
		DecoderWeight: {1, h},
		DecoderBias:   {1},
	}
	for k := 0; k < c.Layers; k++ {
		in := h
		if k == 0 {
			in = c.Emb
		}
		s[WeightIH(k)] = []int{4 * h, in}
		s[WeightHH(k)] = []int{4 * h, h}
		s[BiasIH(k)] = []int{4 * h}
		s[BiasHH(k)] = []int{4 * h}
	}
	return s
}

// RecurrentMatrices returns the names of the weight matrices whose change
// dW the paper's truncation analysis studies, per layer: weight_ih_l{k}
// for k >= 1 (layer 0's takes embeddings) and weight_hh_l{k} for all k.
// For two layers: weight_hh_l0, weight_ih_l1, weight_hh_l1.
func (c Config) RecurrentMatrices() []string {
	var names []string
	for k := 0; k < c.Layers; k++ {
		if k > 0 {
			names = append(names, WeightIH(k))
		}
		names = append(names, WeightHH(k))
	}
	return names
}

package bench

import (
	"fmt"
	"math/rand/v2"

	"github.com/rnnlab/rnnlab/datasets/sst"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/lstm"
	"github.com/rnnlab/rnnlab/trainers/optim"
)

// LSTMName is the name of the sentiment LSTM workload.
const LSTMName = "lstm"

// LSTMSize is the size of the sentiment LSTM workload: the network and
// the synthetic batches it trains on.
type LSTMSize struct {
	// Vocab, Emb, Hidden and Layers are the network's (lstm.Config).
	Vocab, Emb, Hidden, Layers int
	// Batch is the number of sentences per batch.
	Batch int
	// MinLen and MaxLen bound the sentence lengths, drawn uniformly; every
	// batch has one sentence of MaxLen tokens, so its padded length T is
	// MaxLen.
	MinLen, MaxLen int
	// Batches is the number of distinct batches the iterations cycle
	// through.
	Batches int
}

// PaperLSTM returns the paper's sentiment network on SST-like batches:
// vocabulary 16000, embedding 100, hidden 256, 2 layers, batches of 64
// sentences of 16 to 24 tokens (20 on average, as a length-bucketed batch
// of SST-2, whose sentences have 19 tokens on average), 4 batches.
func PaperLSTM() LSTMSize {
	return LSTMSize{Vocab: 16000, Emb: 100, Hidden: 256, Layers: 2, Batch: 64, MinLen: 16, MaxLen: 24, Batches: 4}
}

// TinyLSTM returns a network and batches small enough for tests: a
// fraction of a millisecond per iteration.
func TinyLSTM() LSTMSize {
	return LSTMSize{Vocab: 50, Emb: 6, Hidden: 8, Layers: 2, Batch: 4, MinLen: 2, MaxLen: 5, Batches: 2}
}

// Validate reports the first invalid size.
func (s LSTMSize) Validate() error {
	cfg := lstm.DefaultConfig(s.Vocab)
	cfg.Emb, cfg.Hidden, cfg.Layers = s.Emb, s.Hidden, s.Layers
	if err := cfg.Validate(); err != nil {
		return err
	}
	if s.Batch < 1 || s.MinLen < 1 || s.MaxLen < s.MinLen || s.Batches < 1 {
		return fmt.Errorf("lstm workload: batch %d, lengths %d..%d, %d batches: need batch >= 1, 1 <= min <= max, batches >= 1",
			s.Batch, s.MinLen, s.MaxLen, s.Batches)
	}
	return nil
}

// batches returns the workload's synthetic batches, the same for every
// engine: token ids uniform in 2..Vocab-1, lengths uniform in
// MinLen..MaxLen with the first sentence of every batch MaxLen long,
// labels 0 or 1.
func (s LSTMSize) batches() []*sst.Batch {
	rng := rand.New(rand.NewPCG(3, 7))
	out := make([]*sst.Batch, s.Batches)
	for i := range out {
		B, T := s.Batch, s.MaxLen
		b := &sst.Batch{B: B, T: T, IDs: make([]int, B*T), Lengths: make([]int, B), Labels: make([]float64, B)}
		for r := range B {
			l := s.MinLen + rng.IntN(s.MaxLen-s.MinLen+1)
			if r == 0 {
				l = T
			}
			b.Lengths[r] = l
			for t := range l {
				b.IDs[r*T+t] = 2 + rng.IntN(s.Vocab-2)
			}
			b.Labels[r] = float64(rng.IntN(2))
		}
		out[i] = b
	}
	return out
}

// FLOPs returns the arithmetic of one training iteration on average over
// the batches, counting the real tokens only (not padding): per token and
// layer of input width in, the gate product 2 * 4H * (in + H) forward and
// twice that backward (the input and state gradients, and the weight
// gradients).
func (s LSTMSize) FLOPs() float64 {
	tokens := 0
	for _, b := range s.batches() {
		tokens += b.Tokens()
	}
	perToken := 0.0
	for k := range s.Layers {
		in := s.Hidden
		if k == 0 {
			in = s.Emb
		}
		perToken += 3 * 2 * 4 * float64(s.Hidden) * float64(in+s.Hidden)
	}
	return perToken * float64(tokens) / float64(s.Batches)
}

// LSTMWorkloads returns the sentiment LSTM of the given size (PaperLSTM
// for the paper's) for each engine ("bptt": lstm.NewBPTT, "autodiff":
// lstm.NewAutodiff with its default RoundT, as in training) and
// precision. One iteration takes the next of the synthetic batches, draws
// a dropout mask (p 0.5), computes loss and gradients (the embedding
// included) and takes Adam's step at the paper's rate 0.01/H. Setup runs
// one LossGrad on every batch, so that the autodiff engine's graphs and
// the hand-written engine's work arrays exist before timing.
//
// The dominant product is the per-step gate product, B x H times H x 4H.
// FLOPs counts real tokens only: the autodiff engine also computes on the
// padding of each batch to T (rounded up to its RoundT), the hand-written
// one does not.
func LSTMWorkloads(s LSTMSize, engines []string, dtypes []models.Dtype) ([]Workload, error) {
	if err := s.Validate(); err != nil {
		return nil, err
	}
	flops := s.FLOPs()
	var ws []Workload
	for _, engine := range engines {
		if engine != "bptt" && engine != "autodiff" {
			return nil, fmt.Errorf("engine %q: allowed bptt, autodiff", engine)
		}
		for _, dtype := range dtypes {
			ws = append(ws, Workload{
				Name: LSTMName, Engine: engine, Dtype: dtype, FLOPs: flops,
				Gemm: [3]int{s.Batch, 4 * s.Hidden, s.Hidden},
				Setup: func() (func() error, error) {
					return s.setup(engine, dtype)
				},
			})
		}
	}
	return ws, nil
}

// setup builds the model, engine, optimiser and batches of one LSTM
// workload and returns its iteration.
func (s LSTMSize) setup(engine string, dtype models.Dtype) (func() error, error) {
	cfg := lstm.DefaultConfig(s.Vocab)
	cfg.Emb, cfg.Hidden, cfg.Layers = s.Emb, s.Hidden, s.Layers
	m, err := lstm.New(cfg, 1)
	if err != nil {
		return nil, err
	}
	var eng models.Engine[*sst.Batch]
	switch engine {
	case "bptt":
		eng, err = lstm.NewBPTT(m, dtype)
	case "autodiff":
		eng, err = lstm.NewAutodiff(m, dtype)
	default:
		err = fmt.Errorf("engine %q: allowed bptt, autodiff", engine)
	}
	if err != nil {
		return nil, err
	}
	bs := s.batches()
	rng := rand.New(rand.NewPCG(1, 2))
	for _, b := range bs {
		m.DrawDropout(rng, b)
		if _, err := eng.LossGrad(b); err != nil {
			return nil, err
		}
	}
	opt := optim.NewAdam(0.01 / float64(s.Hidden))
	i := 0
	return func() error {
		b := bs[i%len(bs)]
		i++
		m.DrawDropout(rng, b)
		if _, err := eng.LossGrad(b); err != nil {
			return err
		}
		opt.Step(m.Params)
		return nil
	}, nil
}

// Workloads returns the workloads of the named problems: "lstm" is the
// sentiment LSTM of size lstmSize (LSTMWorkloads), any other name a rate
// RNN task at the paper's size (RNNWorkloads). The order is that of
// names, then engines, then dtypes.
func Workloads(names, engines []string, dtypes []models.Dtype, lstmSize LSTMSize) ([]Workload, error) {
	var ws []Workload
	for _, name := range names {
		var w []Workload
		var err error
		if name == LSTMName {
			w, err = LSTMWorkloads(lstmSize, engines, dtypes)
		} else {
			w, err = RNNWorkloads([]string{name}, engines, dtypes)
		}
		if err != nil {
			return nil, err
		}
		ws = append(ws, w...)
	}
	return ws, nil
}

package lstm

import (
	"math"

	"github.com/rnnlab/rnnlab/datasets/sst"
)

// referenceForward computes the loss and logits of a batch with plain
// loops in float64, straight from the equations of PyTorch's nn.LSTM run
// on each sentence alone (no padding at all), followed by the dropout
// mask, the linear decoder and BCE-with-logits averaged over the batch.
func referenceForward(m *Model, b *sst.Batch) (loss float64, logits []float64) {
	cfg := m.Config
	E, H, L := cfg.Emb, cfg.Hidden, cfg.Layers
	w := func(name string) []float64 { return m.Params.Get(name).W }
	enc := w(EncoderWeight)
	sigmoid := func(x float64) float64 { return 1 / (1 + math.Exp(-x)) }
	logits = make([]float64, b.B)
	for r := 0; r < b.B; r++ {
		n := b.Lengths[r]
		// Layer input sequence: the embedded tokens.
		seq := make([][]float64, n)
		for t := range seq {
			id := b.IDs[r*b.T+t]
			seq[t] = append([]float64(nil), enc[id*E:(id+1)*E]...)
		}
		for l := 0; l < L; l++ {
			wih, whh := w(WeightIH(l)), w(WeightHH(l))
			bih, bhh := w(BiasIH(l)), w(BiasHH(l))
			in := len(seq[0])
			h := make([]float64, H)
			c := make([]float64, H)
			out := make([][]float64, n)
			for t := 0; t < n; t++ {
				gates := make([]float64, 4*H)
				for q := 0; q < 4*H; q++ {
					s := bih[q] + bhh[q]
					for j := 0; j < in; j++ {
						s += wih[q*in+j] * seq[t][j]
					}
					for j := 0; j < H; j++ {
						s += whh[q*H+j] * h[j]
					}
					gates[q] = s
				}
				hn := make([]float64, H)
				for j := 0; j < H; j++ {
					i := sigmoid(gates[j])
					f := sigmoid(gates[H+j])
					g := math.Tanh(gates[2*H+j])
					o := sigmoid(gates[3*H+j])
					c[j] = f*c[j] + i*g
					hn[j] = o * math.Tanh(c[j])
				}
				h = hn
				out[t] = hn
			}
			seq = out
		}
		final := seq[n-1]
		z := w(DecoderBias)[0]
		dec := w(DecoderWeight)
		for j := 0; j < H; j++ {
			d := 1.0
			if b.DropoutMask != nil {
				d = b.DropoutMask[r*H+j]
			}
			z += dec[j] * d * final[j]
		}
		logits[r] = z
		y := b.Labels[r]
		loss += math.Max(z, 0) - z*y + math.Log1p(math.Exp(-math.Abs(z)))
	}
	return loss / float64(b.B), logits
}

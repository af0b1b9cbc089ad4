package sentiment

import (
	"fmt"
	"strings"

	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/models/lstm"
	"github.com/rnnlab/rnnlab/trainers"
)

// SpectraMatrices returns the weight matrices whose dW spectra a run
// records: every LSTM weight matrix (weight_ih and weight_hh of each
// layer), the decoder's weight and, when it is trained, the embedding.
func SpectraMatrices(c lstm.Config) []string {
	var names []string
	if !c.FreezeEmbedding {
		names = append(names, lstm.EncoderWeight)
	}
	for k := 0; k < c.Layers; k++ {
		names = append(names, lstm.WeightIH(k), lstm.WeightHH(k))
	}
	return append(names, lstm.DecoderWeight)
}

// NewSpectraHook returns the training hook that records, every `every`
// steps (and at steps 0 and the last), the singular values of dW of
// every matrix of SpectraMatrices and of each gate block (i, f, g, o) of
// the LSTM matrices.
func NewSpectraHook(c lstm.Config, every int) *trainers.DWSpectra {
	blocks := map[string]int{}
	for k := 0; k < c.Layers; k++ {
		blocks[lstm.WeightIH(k)] = len(lstm.Gates)
		blocks[lstm.WeightHH(k)] = len(lstm.Gates)
	}
	return &trainers.DWSpectra{Every: max(every, 1), Names: SpectraMatrices(c), Blocks: blocks}
}

// GateKey returns the name under which the spectra of gate block g (0..3,
// lstm.Gates order) of matrix name are stored: "rnn.weight_hh_l0[f]".
func GateKey(name string, g int) string { return fmt.Sprintf("%s[%s]", name, lstm.Gates[g]) }

// SpectraArrays stacks the recorded spectra for dw_spectra.npz: "steps"
// [S] (training steps, 0 = initial), "epochs" [S] (steps divided by the
// batches per epoch), and per matrix and gate block an array
// [S, min(rows, cols)] of singular values, descending. Gate blocks are
// named by GateKey.
func SpectraArrays(s *trainers.DWSpectra, batchesPerEpoch int) map[string]fileio.Array {
	n := len(s.Epochs)
	steps := make([]float64, n)
	epochs := make([]float64, n)
	for i, e := range s.Epochs {
		steps[i] = float64(e)
		epochs[i] = float64(e) / float64(max(batchesPerEpoch, 1))
	}
	out := map[string]fileio.Array{"steps": fileio.NewArray(steps, n), "epochs": fileio.NewArray(epochs, n)}
	for name, vals := range s.Values {
		k := len(vals[0])
		data := make([]float64, 0, n*k)
		for _, v := range vals {
			data = append(data, v...)
		}
		out[gateName(name)] = fileio.NewArray(data, n, k)
	}
	return out
}

// gateName turns DWSpectra's "name[k]" into GateKey(name, k).
func gateName(key string) string {
	i := strings.LastIndexByte(key, '[')
	if i < 0 || !strings.HasSuffix(key, "]") {
		return key
	}
	var g int
	if _, err := fmt.Sscanf(key[i:], "[%d]", &g); err != nil || g < 0 || g >= len(lstm.Gates) {
		return key
	}
	return GateKey(key[:i], g)
}

// writeSpectra writes the recorded spectra, if any, to path.
func writeSpectra(path string, s *trainers.DWSpectra, batchesPerEpoch int) error {
	if s == nil || len(s.Epochs) == 0 {
		return nil
	}
	return fileio.WriteNPZ(path, SpectraArrays(s, batchesPerEpoch))
}

package trainers

import (
	"fmt"

	"gonum.org/v1/gonum/mat"

	"github.com/rnnlab/rnnlab/models"
)

// DWSpectra is a hook that records, every Every epochs (and at epoch 0 and
// the last epoch), the singular values of the weight change dW = W - W0 of
// each named weight matrix. A parameter listed in Blocks is also split
// into that many equal row blocks, each analysed on its own under the name
// "name[k]" (an LSTM's four gate blocks: Blocks{"rnn.weight_hh_l0": 4}).
//
// Singular values only (no vectors) cost about 25 ms for a 256 x 256
// matrix, so 200 records add about 5 s to a flip-flop training of 150 s.
type DWSpectra struct {
	// Every is the interval in epochs, >= 1.
	Every int
	// Names are the matrices to analyse; empty means every parameter of
	// rank 2.
	Names []string
	// Blocks splits matrices into row blocks, keyed by parameter name.
	Blocks map[string]int
	// Epochs lists the epochs recorded.
	Epochs []int
	// Values[name] holds one slice of singular values (descending) per
	// recorded epoch.
	Values map[string][][]float64

	svd  mat.SVD
	work map[string]*mat.Dense
}

var (
	_ Hook    = (*DWSpectra)(nil)
	_ Starter = (*DWSpectra)(nil)
)

// Start records epoch 0 (dW = 0), unless the hook was restored from a
// checkpoint and holds records already, and checks the names and blocks.
func (s *DWSpectra) Start(ps *models.Params, _ int) error {
	if len(s.Names) == 0 {
		for _, p := range ps.All() {
			if len(p.Shape) == 2 {
				s.Names = append(s.Names, p.Name)
			}
		}
	}
	for _, n := range s.Names {
		p := ps.Get(n)
		if p == nil || len(p.Shape) != 2 {
			return fmt.Errorf("dW spectra: %q is not a matrix parameter", n)
		}
		if k, ok := s.Blocks[n]; ok && (k < 1 || p.Shape[0]%k != 0) {
			return fmt.Errorf("dW spectra: %d row blocks do not divide %s's %d rows", k, n, p.Shape[0])
		}
	}
	s.work = map[string]*mat.Dense{}
	if len(s.Epochs) > 0 { // restored from a checkpoint
		return nil
	}
	s.Values = map[string][][]float64{}
	return s.record(0, ps)
}

// OnEpoch records every Every epochs and at the last epoch.
func (s *DWSpectra) OnEpoch(ev Event) error {
	if ev.Epoch%max(s.Every, 1) == 0 || ev.Epoch == ev.Epochs {
		return s.record(ev.Epoch, ev.Params)
	}
	return nil
}

func (s *DWSpectra) record(epoch int, ps *models.Params) error {
	s.Epochs = append(s.Epochs, epoch)
	for _, n := range s.Names {
		p := ps.Get(n)
		r, c := p.Shape[0], p.Shape[1]
		d := s.work[n]
		if d == nil {
			d = mat.NewDense(r, c, nil)
			s.work[n] = d
		}
		raw := d.RawMatrix().Data
		for i := range raw {
			raw[i] = p.W[i] - p.W0[i]
		}
		sv, err := s.values(d)
		if err != nil {
			return fmt.Errorf("dW spectra of %s: %w", n, err)
		}
		s.Values[n] = append(s.Values[n], sv)
		if k := s.Blocks[n]; k > 1 {
			rows := r / k
			for b := 0; b < k; b++ {
				sv, err := s.values(d.Slice(b*rows, (b+1)*rows, 0, c))
				if err != nil {
					return fmt.Errorf("dW spectra of %s block %d: %w", n, b, err)
				}
				key := fmt.Sprintf("%s[%d]", n, b)
				s.Values[key] = append(s.Values[key], sv)
			}
		}
	}
	return nil
}

func (s *DWSpectra) values(a mat.Matrix) ([]float64, error) {
	if !s.svd.Factorize(a, mat.SVDNone) {
		return nil, fmt.Errorf("SVD did not converge")
	}
	return s.svd.Values(nil), nil
}

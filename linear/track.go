package linear

import (
	"bytes"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"

	"gonum.org/v1/gonum/blas"
	"gonum.org/v1/gonum/blas/blas64"
	"gonum.org/v1/gonum/floats"
	"gonum.org/v1/gonum/mat"

	"github.com/rnnlab/rnnlab/analysis"
	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/theory"
	"github.com/rnnlab/rnnlab/trainers"
)

// File names of the records kept during training.
const (
	TrackingFile    = "tracking.csv"
	EigenvaluesFile = "eigenvalues.npz"
)

// TrackRecord is dW's top singular triplet at one epoch, compared with the
// theory's directions.
type TrackRecord struct {
	// Epoch counts SGD steps: dW = W_Epoch - W0.
	Epoch int
	// NormDW is |dW|_F, Sigma its top singular value and Share
	// Sigma^2 / |dW|_F^2.
	NormDW, Sigma, Share float64
	// OverlapFirstLeft/Right are the absolute cosines of dW's top left and
	// right singular vectors with the first-order direction,
	// OverlapLeft/Right with the corrected one (theory.Prediction.DW at
	// this epoch); NaN without a theory.
	OverlapFirstLeft, OverlapFirstRight float64
	OverlapLeft, OverlapRight           float64
	// PredSigma is the corrected predicted top singular value,
	// PredNormFirst the first-order |dW|_F; NaN without a theory.
	PredSigma, PredNormFirst float64
}

// Tracker is a training hook that records dW's top singular triplet every
// Every epochs (and at the last one) by power iteration on dW (warm-started
// from the previous triplet, so a record costs a few matrix-vector
// products), and its overlaps with the predicted directions.
type Tracker struct {
	// Every is the interval in epochs, >= 1.
	Every int
	// Name is the matrix parameter, wrec by default.
	Name string
	// Pred is the theory's prediction (nil: record the triplet only).
	Pred *theory.Prediction
	// W0 is checked against the parameter's initial value at Start when
	// not nil: the theory must be that of the network being trained.
	W0 []float64
	// Records holds one record per tracked epoch.
	Records []TrackRecord

	d    *mat.Dense
	u, v []float64
}

var (
	_ trainers.Hook    = (*Tracker)(nil)
	_ trainers.Starter = (*Tracker)(nil)
)

// Start checks the parameter and the initial weights.
func (t *Tracker) Start(ps *models.Params, _ int) error {
	if t.Name == "" {
		t.Name = "wrec"
	}
	p := ps.Get(t.Name)
	if p == nil || len(p.Shape) != 2 {
		return fmt.Errorf("tracker: %q is not a matrix parameter", t.Name)
	}
	if t.W0 != nil && !slices.Equal(t.W0, p.W0) {
		return fmt.Errorf("tracker: the initial %s differs from the one the theory was computed for", t.Name)
	}
	t.d = mat.NewDense(p.Shape[0], p.Shape[1], nil)
	if t.Pred != nil {
		t.u, t.v = t.Pred.Fixed.Direction()
	}
	return nil
}

// OnEpoch records every Every epochs and at the last epoch.
func (t *Tracker) OnEpoch(ev trainers.Event) error {
	if ev.Epoch%max(t.Every, 1) != 0 && ev.Epoch != ev.Epochs {
		return nil
	}
	p := ev.Params.Get(t.Name)
	raw := t.d.RawMatrix().Data
	for i := range raw {
		raw[i] = p.W[i] - p.W0[i]
	}
	r := TrackRecord{Epoch: ev.Epoch, NormDW: analysis.FrobeniusNorm(t.d)}
	r.Sigma, t.u, t.v = TopSingular(t.d, t.u, t.v)
	if r.NormDW > 0 {
		r.Share = r.Sigma * r.Sigma / (r.NormDW * r.NormDW)
	}
	r.OverlapFirstLeft, r.OverlapFirstRight = math.NaN(), math.NaN()
	r.OverlapLeft, r.OverlapRight = math.NaN(), math.NaN()
	r.PredSigma, r.PredNormFirst = math.NaN(), math.NaN()
	if t.Pred != nil {
		l1, r1 := t.Pred.Fixed.Direction()
		r.OverlapFirstLeft, r.OverlapFirstRight = theory.Overlap(t.u, l1), theory.Overlap(t.v, r1)
		if ev.Epoch <= t.Pred.Epochs {
			r.PredNormFirst = math.Abs(t.Pred.SFirst[ev.Epoch]) * math.Sqrt(t.Pred.Fixed.Kappa)
			if s, l2, r2, err := t.Pred.DW(ev.Epoch); err == nil {
				r.OverlapLeft, r.OverlapRight, r.PredSigma = theory.Overlap(t.u, l2), theory.Overlap(t.v, r2), s
			}
		}
	}
	t.Records = append(t.Records, r)
	return nil
}

// CSV returns the records as CSV (empty fields for NaN).
func (t *Tracker) CSV() []byte {
	var b bytes.Buffer
	b.WriteString("epoch,norm_dw,sigma1,share1,overlap_first_left,overlap_first_right,overlap_left,overlap_right,pred_sigma1,pred_norm_first\n")
	for _, r := range t.Records {
		b.WriteString(strconv.Itoa(r.Epoch))
		for _, x := range []float64{r.NormDW, r.Sigma, r.Share, r.OverlapFirstLeft, r.OverlapFirstRight,
			r.OverlapLeft, r.OverlapRight, r.PredSigma, r.PredNormFirst} {
			b.WriteString("," + csvNum(x))
		}
		b.WriteString("\n")
	}
	return b.Bytes()
}

func csvNum(x float64) string {
	if !finite(x) {
		return ""
	}
	return strconv.FormatFloat(x, 'g', -1, 64)
}

// TopSingular returns the top singular value of d and its unit left and
// right singular vectors by power iteration on d^T d, started from v0 (or
// from u0 through d^T, or from a fixed vector when both are nil or zero).
// It stops when the singular value changes by less than 1e-14 relative
// between iterations (at most 2000 iterations); the error of the vectors
// then shrinks like (s2/s1)^2 per iteration, which is fast for the nearly
// rank-one dW of the linear experiment.
func TopSingular(d *mat.Dense, u0, v0 []float64) (sigma float64, u, v []float64) {
	rows, cols := d.Dims()
	a := d.RawMatrix()
	u, v = make([]float64, rows), make([]float64, cols)
	switch {
	case len(v0) == cols && floats.Norm(v0, 2) > 0:
		copy(v, v0)
	case len(u0) == rows && floats.Norm(u0, 2) > 0:
		blas64.Gemv(blas.Trans, 1, a, vec(u0), 0, vec(v))
	}
	if floats.Norm(v, 2) == 0 {
		for i := range v {
			v[i] = 1 + float64(i%7)/7
		}
	}
	floats.Scale(1/floats.Norm(v, 2), v)
	prev := -1.0
	for it := 0; it < 2000; it++ {
		blas64.Gemv(blas.NoTrans, 1, a, vec(v), 0, vec(u))
		nu := floats.Norm(u, 2)
		if nu == 0 {
			return 0, u, v
		}
		floats.Scale(1/nu, u)
		blas64.Gemv(blas.Trans, 1, a, vec(u), 0, vec(v))
		sigma = floats.Norm(v, 2)
		floats.Scale(1/sigma, v)
		if math.Abs(sigma-prev) <= 1e-14*sigma {
			break
		}
		prev = sigma
	}
	return sigma, u, v
}

func vec(x []float64) blas64.Vector { return blas64.Vector{N: len(x), Inc: 1, Data: x} }

// EigenRecorder is a training hook that records the eigenvalues of a square
// matrix parameter at epoch 0, every Every epochs and at the last epoch.
type EigenRecorder struct {
	Every int
	// Name is the parameter, wrec by default.
	Name   string
	Epochs []int
	// Values holds one slice of eigenvalues per record, in
	// analysis.Eigenvalues' order.
	Values [][]complex128
}

var (
	_ trainers.Hook    = (*EigenRecorder)(nil)
	_ trainers.Starter = (*EigenRecorder)(nil)
)

// Start records epoch 0.
func (e *EigenRecorder) Start(ps *models.Params, _ int) error {
	if e.Name == "" {
		e.Name = "wrec"
	}
	p := ps.Get(e.Name)
	if p == nil || len(p.Shape) != 2 || p.Shape[0] != p.Shape[1] {
		return fmt.Errorf("eigenvalues: %q is not a square matrix parameter", e.Name)
	}
	return e.record(0, p.W, p.Shape[0])
}

// OnEpoch records every Every epochs and at the last epoch.
func (e *EigenRecorder) OnEpoch(ev trainers.Event) error {
	if ev.Epoch%max(e.Every, 1) != 0 && ev.Epoch != ev.Epochs {
		return nil
	}
	p := ev.Params.Get(e.Name)
	return e.record(ev.Epoch, p.W, p.Shape[0])
}

func (e *EigenRecorder) record(epoch int, w []float64, n int) error {
	ev, err := analysis.Eigenvalues(mat.NewDense(n, n, append([]float64(nil), w...)))
	if err != nil {
		return fmt.Errorf("eigenvalues at epoch %d: %w", epoch, err)
	}
	e.Epochs = append(e.Epochs, epoch)
	e.Values = append(e.Values, ev)
	return nil
}

// Arrays returns the records for an .npz file: "epochs" [S], "re" and "im"
// [S, N].
func (e *EigenRecorder) Arrays() map[string]fileio.Array {
	s := len(e.Epochs)
	n := 0
	if s > 0 {
		n = len(e.Values[0])
	}
	ep := make([]float64, s)
	re, im := make([]float64, 0, s*n), make([]float64, 0, s*n)
	for i, k := range e.Epochs {
		ep[i] = float64(k)
		for _, z := range e.Values[i] {
			re = append(re, real(z))
			im = append(im, imag(z))
		}
	}
	return map[string]fileio.Array{
		"epochs": fileio.NewArray(ep, s),
		"re":     fileio.NewArray(re, s, n),
		"im":     fileio.NewArray(im, s, n),
	}
}

// ReadTracking reads a run directory's tracking.csv (empty fields as NaN).
func ReadTracking(runDir string) ([]TrackRecord, error) {
	b, err := os.ReadFile(filepath.Join(runDir, TrackingFile))
	if err != nil {
		return nil, err
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) == 0 || !strings.HasPrefix(lines[0], "epoch,") {
		return nil, fmt.Errorf("%s: no header", filepath.Join(runDir, TrackingFile))
	}
	var out []TrackRecord
	for i, l := range lines[1:] {
		f := strings.Split(l, ",")
		if len(f) != 10 {
			return nil, fmt.Errorf("%s: line %d has %d fields, want 10", filepath.Join(runDir, TrackingFile), i+2, len(f))
		}
		ep, err := strconv.Atoi(f[0])
		if err != nil {
			return nil, fmt.Errorf("%s: line %d: %w", filepath.Join(runDir, TrackingFile), i+2, err)
		}
		x := make([]float64, 9)
		for j := range x {
			x[j] = math.NaN()
			if f[j+1] != "" {
				if x[j], err = strconv.ParseFloat(f[j+1], 64); err != nil {
					return nil, fmt.Errorf("%s: line %d: %w", filepath.Join(runDir, TrackingFile), i+2, err)
				}
			}
		}
		out = append(out, TrackRecord{Epoch: ep, NormDW: x[0], Sigma: x[1], Share: x[2],
			OverlapFirstLeft: x[3], OverlapFirstRight: x[4], OverlapLeft: x[5], OverlapRight: x[6],
			PredSigma: x[7], PredNormFirst: x[8]})
	}
	return out, nil
}

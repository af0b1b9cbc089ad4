package sentiment

import (
	"bytes"
	"fmt"
	"io"
	"math"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"

	"gonum.org/v1/gonum/mat"

	"github.com/rnnlab/rnnlab/analysis"
	"github.com/rnnlab/rnnlab/datasets/sst"
	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/models"
	"github.com/rnnlab/rnnlab/models/lstm"
)

// Files the truncation analysis writes into a run directory.
const (
	TruncationFile    = "truncation.json"
	TruncationCSVFile = "truncation.csv"
	SpectraCSVFile    = "dw_spectra.csv"
)

// AllGroup names the group that truncates all the analysed matrices at
// once, at the same rank (the paper's curve).
const AllGroup = "all"

// ShareThreshold is the share of ||dW||_F^2 for which Rank90 counts the
// singular values needed.
const ShareThreshold = 0.9

// TruncationConfig sets the truncation analysis of a sentiment run.
type TruncationConfig struct {
	// Matrices are the weight matrices truncated, together and one at a
	// time; empty means the paper's: lstm.Config.RecurrentMatrices
	// (weight_hh_l0, weight_ih_l1, weight_hh_l1 for two layers).
	Matrices []string `json:"matrices"`
	// Ranks are the ranks R evaluated, ascending; empty means
	// DefaultRanks(MaxRank). Ranks above a matrix's largest rank keep it
	// whole.
	Ranks []int `json:"ranks"`
	// MaxRank is the largest rank of the default grid; 0 means the full
	// rank of the matrices (H for the paper's).
	MaxRank int `json:"max_rank"`
	// Split is the split evaluated (the paper: the development split).
	Split sst.Split `json:"split"`
	// Eval chooses the engine, the data and the batch size.
	Eval EvalOptions `json:"-"`
	// Workers is the number of evaluations run at once, each with its own
	// copy of the model; 0 means GOMAXPROCS.
	Workers int `json:"-"`
}

// DefaultRanks returns the default rank grid up to maxRank: every rank
// from 0 to 6, then two per octave (8, 12, 16, 24, 32, 48, 64, ...), and
// maxRank itself: 18 ranks for 256.
func DefaultRanks(maxRank int) []int {
	var rs []int
	for r := 0; r <= min(6, maxRank); r++ {
		rs = append(rs, r)
	}
	for base := 8; base <= maxRank; base *= 2 {
		for _, r := range []int{base, base * 3 / 2} {
			if r <= maxRank {
				rs = append(rs, r)
			}
		}
	}
	if len(rs) == 0 || rs[len(rs)-1] != maxRank {
		rs = append(rs, maxRank)
	}
	slices.Sort(rs)
	return slices.Compact(rs)
}

// Score is the loss and accuracy of a network on the evaluated split.
type Score struct {
	Loss     float64 `json:"loss"`
	Accuracy float64 `json:"accuracy"`
	Correct  int     `json:"correct"`
}

// Curve holds a Score per rank of TruncationResult.Ranks.
type Curve struct {
	Loss     []float64 `json:"loss"`
	Accuracy []float64 `json:"accuracy"`
}

func (c *Curve) add(s Score) {
	c.Loss = append(c.Loss, s.Loss)
	c.Accuracy = append(c.Accuracy, s.Accuracy)
}

// TruncationGroup is the result of truncating a set of matrices at a
// common rank R, every other parameter kept trained.
type TruncationGroup struct {
	// Name is AllGroup or the name of the single matrix.
	Name     string   `json:"name"`
	Matrices []string `json:"matrices"`
	// DW is W = W0 + rank-R(dW): dW cut to its R largest singular
	// components (R = 0: the matrices at initialisation).
	DW Curve `json:"dw"`
	// W is W = rank-R(W): the trained matrix itself cut to rank R (R = 0:
	// zero matrices).
	W Curve `json:"w"`
	// RankWithin1 is the smallest evaluated rank at which the dW curve's
	// accuracy is within one point (0.01) of the full model's; -1 if none.
	// WAccuracyAtRank is the W curve's accuracy at that rank (NaN if none).
	RankWithin1     int     `json:"rank_within_1pt"`
	WAccuracyAtRank float64 `json:"w_accuracy_at_rank"`
}

// GateSpectrum is the singular value spectrum of one gate block of dW.
type GateSpectrum struct {
	Gate   string    `json:"gate"`
	NormDW float64   `json:"norm_dw"`
	SV     []float64 `json:"sv"`
	// Rank90 is the number of singular values holding 90% of the block's
	// ||dW||_F^2.
	Rank90 int `json:"rank90"`
}

// MatrixSpectrum is the singular value spectrum of dW = W - W0 of one
// weight matrix, whole and per gate block, with those of W0 and W for
// comparison.
type MatrixSpectrum struct {
	Name string `json:"name"`
	// Rows and Cols are the matrix's shape (4H x in).
	Rows int `json:"rows"`
	Cols int `json:"cols"`
	// Frobenius norms of W0, W and dW.
	NormW0 float64 `json:"norm_w0"`
	NormW  float64 `json:"norm_w"`
	NormDW float64 `json:"norm_dw"`
	// SV are the singular values of dW, SVW0 and SVW those of W0 and W,
	// descending.
	SV   []float64 `json:"sv"`
	SVW0 []float64 `json:"sv_w0"`
	SVW  []float64 `json:"sv_w"`
	// Share[r] is the share of ||dW||_F^2 held by the r largest singular
	// values, r = 0..len(SV).
	Share []float64 `json:"share"`
	// Rank90 is the number of singular values of dW holding 90% of
	// ||dW||_F^2; Rank90W the same for ||W||_F^2.
	Rank90  int `json:"rank90"`
	Rank90W int `json:"rank90_w"`
	// Gates are the spectra of the four gate blocks (i, f, g, o).
	Gates []GateSpectrum `json:"gates"`
}

// TruncationResult is what the truncation analysis of a run measures.
type TruncationResult struct {
	Run    string `json:"run"`
	Split  string `json:"split"`
	N      int    `json:"n"`
	Engine string `json:"engine"`
	Hidden int    `json:"hidden"`
	// Full is the trained model's score, Init the initial model's (every
	// parameter at its initial value).
	Full Score `json:"full"`
	Init Score `json:"init"`
	// Ranks are the evaluated ranks.
	Ranks []int `json:"ranks"`
	// Groups are AllGroup first, then each matrix alone.
	Groups []TruncationGroup `json:"groups"`
	// Spectra are those of every LSTM weight matrix (weight_ih and
	// weight_hh of every layer).
	Spectra []MatrixSpectrum `json:"spectra"`
}

// Group returns the group called name, or nil.
func (t *TruncationResult) Group(name string) *TruncationGroup {
	for i := range t.Groups {
		if t.Groups[i].Name == name {
			return &t.Groups[i]
		}
	}
	return nil
}

// matrixTrunc holds one matrix's two truncations, shared by the workers
// (a Truncation may be used from several goroutines).
type matrixTrunc struct {
	name  string
	dw, W *analysis.Truncation
}

// truncated returns W0 + rank-r(dW) (ofW false) or rank-r(W) (ofW true),
// flat, r capped at the matrix's largest rank.
func (mt *matrixTrunc) truncated(r int, ofW bool) ([]float64, error) {
	t := mt.dw
	if ofW {
		t = mt.W
	}
	m, err := t.TruncateRank(min(r, t.MaxRank()))
	if err != nil {
		return nil, err
	}
	data, _ := analysis.Flat(m)
	return data, nil
}

// truncJob is one evaluation: group g's matrices at rank ranks[i], of dW
// or of W.
type truncJob struct {
	g, i int
	ofW  bool
}

// Truncate runs the truncation analysis of the run (see TruncationConfig):
// for the matrices together and each alone, the loss and accuracy on the
// split of W0 + rank-R(dW) and of rank-R(W) for every R, every other
// parameter at its trained value; and the singular value spectra of dW of
// every LSTM weight matrix and gate block. Every evaluation is on the
// whole split with the same engine, so the dW curve at full rank gives
// the trained model's numbers (up to rounding in the truncated matrices)
// and at R = 0 those of the network with the matrices at W0.
//
// The evaluations run on tc.Workers goroutines, each with its own copy of
// the model and its own engine; the results do not depend on their
// number.
func (r *Run) Truncate(tc TruncationConfig) (*TruncationResult, error) {
	cfg := r.Config.Model
	if len(tc.Matrices) == 0 {
		tc.Matrices = cfg.RecurrentMatrices()
	}
	if tc.Split == "" {
		tc.Split = sst.Dev
	}
	if _, err := sst.ParseSplit(string(tc.Split)); err != nil {
		return nil, err
	}
	workers := tc.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	m, err := r.Model(true)
	if err != nil {
		return nil, err
	}
	fullRank := 0
	var mts []*matrixTrunc
	for _, name := range tc.Matrices {
		p := m.Params.Get(name)
		if p == nil || len(p.Shape) != 2 || slices.ContainsFunc(mts, func(mt *matrixTrunc) bool { return mt.name == name }) {
			return nil, fmt.Errorf("truncate: %q is not a weight matrix of the model (%v), or is listed twice", name, cfg.RecurrentMatrices())
		}
		w0, w, err := analysis.ParamMatrices(p)
		if err != nil {
			return nil, err
		}
		mt := &matrixTrunc{name: name}
		if mt.dw, err = analysis.NewTruncation(w0, w); err != nil {
			return nil, fmt.Errorf("truncate %s: %w", name, err)
		}
		if mt.W, err = analysis.NewLowRank(w); err != nil {
			return nil, fmt.Errorf("truncate %s: %w", name, err)
		}
		fullRank = max(fullRank, mt.dw.MaxRank())
		mts = append(mts, mt)
	}
	ranks := tc.Ranks
	if len(ranks) == 0 {
		mr := tc.MaxRank
		if mr <= 0 || mr > fullRank {
			mr = fullRank
		}
		ranks = DefaultRanks(mr)
	}
	for i, rk := range ranks {
		if rk < 0 || (i > 0 && rk <= ranks[i-1]) {
			return nil, fmt.Errorf("truncate: ranks %v: want distinct ranks >= 0 in ascending order", ranks)
		}
	}
	batches, err := r.Batches(tc.Split, tc.Eval)
	if err != nil {
		return nil, err
	}
	res := &TruncationResult{Run: r.Dir, Split: string(tc.Split), Hidden: cfg.Hidden, Ranks: ranks}
	for _, b := range batches {
		res.N += b.B
	}
	eval := func(mod *lstm.Model) (Score, string, error) {
		eng, err := NewEngine(mod, tc.Eval.Engine, tc.Eval.Dtype)
		if err != nil {
			return Score{}, "", err
		}
		met, err := Evaluate(eng, batches)
		return Score{Loss: met.Loss, Accuracy: met.Accuracy, Correct: met.Correct}, eng.Name(), err
	}
	if res.Full, res.Engine, err = eval(m); err != nil {
		return nil, err
	}
	m0, err := r.Model(false)
	if err != nil {
		return nil, err
	}
	if res.Init, _, err = eval(m0); err != nil {
		return nil, err
	}

	groups := [][]*matrixTrunc{mts}
	names := []string{AllGroup}
	if len(mts) > 1 {
		for i, mt := range mts {
			groups = append(groups, mts[i:i+1])
			names = append(names, mt.name)
		}
	}
	var jobs []truncJob
	for g := range groups {
		res.Groups = append(res.Groups, TruncationGroup{Name: names[g],
			DW: Curve{Loss: make([]float64, len(ranks)), Accuracy: make([]float64, len(ranks))},
			W:  Curve{Loss: make([]float64, len(ranks)), Accuracy: make([]float64, len(ranks))}})
		for _, mt := range groups[g] {
			res.Groups[g].Matrices = append(res.Groups[g].Matrices, mt.name)
		}
		for _, ofW := range []bool{false, true} {
			for i := range ranks {
				jobs = append(jobs, truncJob{g: g, i: i, ofW: ofW})
			}
		}
	}
	if err := runJobs(workers, len(jobs), func() (func(int) error, error) {
		// One worker: its own model and engine.
		mk, err := r.Model(true)
		if err != nil {
			return nil, err
		}
		eng, err := NewEngine(mk, tc.Eval.Engine, tc.Eval.Dtype)
		if err != nil {
			return nil, err
		}
		return func(j int) error {
			job := jobs[j]
			grp := &res.Groups[job.g]
			for _, mt := range groups[job.g] {
				w, err := mt.truncated(ranks[job.i], job.ofW)
				if err != nil {
					return err
				}
				p := mk.Params.Get(mt.name)
				copy(p.W, w)
			}
			met, err := Evaluate(eng, batches)
			for _, mt := range groups[job.g] {
				p := mk.Params.Get(mt.name)
				copy(p.W, m.Params.Get(mt.name).W)
			}
			if err != nil {
				return fmt.Errorf("truncate %s at rank %d: %w", grp.Name, ranks[job.i], err)
			}
			c := &grp.DW
			if job.ofW {
				c = &grp.W
			}
			c.Loss[job.i], c.Accuracy[job.i] = met.Loss, met.Accuracy
			return nil
		}, nil
	}); err != nil {
		return nil, err
	}
	for g := range res.Groups {
		grp := &res.Groups[g]
		grp.RankWithin1, grp.WAccuracyAtRank = -1, math.NaN()
		for i, rk := range ranks {
			if grp.DW.Accuracy[i] >= res.Full.Accuracy-0.01-1e-12 {
				grp.RankWithin1, grp.WAccuracyAtRank = rk, grp.W.Accuracy[i]
				break
			}
		}
	}
	if res.Spectra, err = Spectra(m); err != nil {
		return nil, err
	}
	return res, nil
}

// runJobs runs jobs 0..n-1 on up to `workers` goroutines; newWorker sets
// up one worker and returns its job function. The first error stops the
// handing out of jobs and is returned.
func runJobs(workers, n int, newWorker func() (func(int) error, error)) error {
	workers = max(1, min(workers, n))
	next := make(chan int)
	errs := make(chan error, workers)
	var wg sync.WaitGroup
	var failed atomic.Bool
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			do, err := newWorker()
			if err != nil {
				failed.Store(true)
				errs <- err
				for range next { // drain
				}
				return
			}
			for j := range next {
				if failed.Load() {
					continue
				}
				if err := do(j); err != nil {
					failed.Store(true)
					errs <- err
				}
			}
		}()
	}
	for j := 0; j < n && !failed.Load(); j++ {
		next <- j
	}
	close(next)
	wg.Wait()
	close(errs)
	return <-errs
}

// Spectra returns the singular value spectra of dW = W - W0 of every LSTM
// weight matrix of m (weight_ih and weight_hh of each layer, in that
// order), whole and per gate block.
func Spectra(m *lstm.Model) ([]MatrixSpectrum, error) {
	var out []MatrixSpectrum
	H := m.Config.Hidden
	for k := 0; k < m.Config.Layers; k++ {
		for _, name := range []string{lstm.WeightIH(k), lstm.WeightHH(k)} {
			p := m.Params.Get(name)
			s, err := matrixSpectrum(p, H)
			if err != nil {
				return nil, fmt.Errorf("spectrum of %s: %w", name, err)
			}
			out = append(out, s)
		}
	}
	return out, nil
}

func matrixSpectrum(p *models.Param, H int) (MatrixSpectrum, error) {
	w0, w, err := analysis.ParamMatrices(p)
	if err != nil {
		return MatrixSpectrum{}, err
	}
	rows, cols := w.Dims()
	s := MatrixSpectrum{Name: p.Name, Rows: rows, Cols: cols,
		NormW0: analysis.FrobeniusNorm(w0), NormW: analysis.FrobeniusNorm(w)}
	dw := mat.NewDense(rows, cols, p.DW())
	s.NormDW = analysis.FrobeniusNorm(dw)
	if s.SV, err = analysis.SingularValues(dw); err != nil {
		return s, err
	}
	if s.SVW0, err = analysis.SingularValues(w0); err != nil {
		return s, err
	}
	if s.SVW, err = analysis.SingularValues(w); err != nil {
		return s, err
	}
	s.Rank90, s.Share = rank90(s.SV)
	s.Rank90W, _ = rank90(s.SVW)
	for g, gate := range lstm.Gates {
		blk := dw.Slice(g*H, (g+1)*H, 0, cols)
		sv, err := analysis.SingularValues(blk)
		if err != nil {
			return s, fmt.Errorf("gate %s: %w", gate, err)
		}
		r90, _ := rank90(sv)
		s.Gates = append(s.Gates, GateSpectrum{Gate: gate, NormDW: analysis.FrobeniusNorm(blk), SV: sv, Rank90: r90})
	}
	return s, nil
}

// rank90 returns the number of singular values holding ShareThreshold of
// the sum of their squares, and the cumulative shares (nil, and rank 0,
// for an all-zero spectrum).
func rank90(sv []float64) (int, []float64) {
	cum, err := analysis.CumulativeVarianceExplained(sv)
	if err != nil || math.IsNaN(cum[len(cum)-1]) {
		return 0, nil
	}
	for r, c := range cum {
		if c >= ShareThreshold-1e-12 {
			return r, cum
		}
	}
	return len(sv), cum
}

// CSV returns the truncation curves as CSV:
// group,curve,rank,loss,accuracy, with curve "dw" (W0 + rank-R(dW)) or
// "w" (rank-R(W)).
func (t *TruncationResult) CSV() []byte {
	var b bytes.Buffer
	b.WriteString("group,curve,rank,loss,accuracy\n")
	for _, g := range t.Groups {
		for _, c := range []struct {
			name string
			c    Curve
		}{{"dw", g.DW}, {"w", g.W}} {
			for i, rk := range t.Ranks {
				fmt.Fprintf(&b, "%s,%s,%d,%s,%s\n", g.Name, c.name, rk, ftoa(c.c.Loss[i]), ftoa(c.c.Accuracy[i]))
			}
		}
	}
	return b.Bytes()
}

// SpectraCSV returns the spectra as CSV: matrix,block,index,sv,share,
// where block is "all" or a gate, index counts from 1 and share is the
// cumulative share of ||dW||_F^2 of the block up to that index.
func (t *TruncationResult) SpectraCSV() []byte {
	var b bytes.Buffer
	b.WriteString("matrix,block,index,sv,share\n")
	write := func(name, block string, sv []float64) {
		_, cum := rank90(sv)
		for i, s := range sv {
			sh := math.NaN()
			if cum != nil {
				sh = cum[i+1]
			}
			fmt.Fprintf(&b, "%s,%s,%d,%s,%s\n", name, block, i+1, ftoa(s), ftoa(sh))
		}
	}
	for _, s := range t.Spectra {
		write(s.Name, "all", s.SV)
		for _, g := range s.Gates {
			write(s.Name, g.Gate, g.SV)
		}
	}
	return b.Bytes()
}

// Write writes truncation.json, truncation.csv and dw_spectra.csv into
// dir, atomically.
func (t *TruncationResult) Write(dir string) error {
	if err := fileio.WriteJSON(runFile(dir, TruncationFile), t.jsonSafe()); err != nil {
		return err
	}
	if err := fileio.WriteFile(runFile(dir, TruncationCSVFile), t.CSV()); err != nil {
		return err
	}
	return fileio.WriteFile(runFile(dir, SpectraCSVFile), t.SpectraCSV())
}

// jsonSafe returns a copy whose NaN accuracies (no rank within one point)
// are replaced by -1, which JSON can hold.
func (t *TruncationResult) jsonSafe() *TruncationResult {
	c := *t
	c.Groups = slices.Clone(t.Groups)
	for i := range c.Groups {
		if math.IsNaN(c.Groups[i].WAccuracyAtRank) {
			c.Groups[i].WAccuracyAtRank = -1
		}
	}
	return &c
}

// Summary writes a short table of the result: per group the full
// accuracy, the rank within one point and W truncation's accuracy there;
// per matrix the singular values holding 90% of ||dW||^2 against H.
func (t *TruncationResult) Summary(w io.Writer) {
	fmt.Fprintf(w, "%s split (%d sentences), engine %s: trained accuracy %.4f (loss %.4f), initial %.4f\n",
		t.Split, t.N, t.Engine, t.Full.Accuracy, t.Full.Loss, t.Init.Accuracy)
	for _, g := range t.Groups {
		if g.RankWithin1 < 0 {
			fmt.Fprintf(w, "  %-18s dW truncation never within 1 point of %.4f over ranks %v\n", g.Name, t.Full.Accuracy, t.Ranks)
			continue
		}
		i := slices.Index(t.Ranks, g.RankWithin1)
		fmt.Fprintf(w, "  %-18s W0 + rank-%d(dW): acc %.4f (within 1 point); rank-%d(W): acc %.4f; at R = 0: dW %.4f, W %.4f\n",
			g.Name, g.RankWithin1, g.DW.Accuracy[i], g.RankWithin1, g.W.Accuracy[i], g.DW.Accuracy[0], g.W.Accuracy[0])
	}
	for _, s := range t.Spectra {
		fmt.Fprintf(w, "  %-18s ||dW|| %.3f (||W0|| %.3f): %d of %d singular values hold 90%% of ||dW||^2 (W: %d); gates",
			s.Name, s.NormDW, s.NormW0, s.Rank90, len(s.SV), s.Rank90W)
		for _, g := range s.Gates {
			fmt.Fprintf(w, " %s %d", g.Gate, g.Rank90)
		}
		fmt.Fprintln(w)
	}
}

func ftoa(x float64) string { return strconv.FormatFloat(x, 'g', -1, 64) }

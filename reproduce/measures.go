package reproduce

import (
	"math"
	"math/rand/v2"
	"slices"
	"strconv"

	"gonum.org/v1/gonum/mat"

	"github.com/rnnlab/rnnlab/analysis"
	"github.com/rnnlab/rnnlab/runs"
	"github.com/rnnlab/rnnlab/trainers"
)

// The authors' numbers, measured with their published PyTorch code
// (float32). The first four are the paper protocol's flip-flop (N 256) and
// Mante (g 0.9); authorsRank90 is the quick preset's configuration (N 128):
// the singular values holding 90% of ||dW||^2.
var (
	authorsTop2   = map[string]map[float64]string{"flipflop": {0: "0.94", 0.9: "0.70", 1.8: "0.41"}, "mante": {0.9: "top-1 0.60"}}
	authorsNormDW = map[string]map[float64]string{"flipflop": {0: "2.03", 0.9: "1.25", 1.8: "0.83"}, "mante": {0.9: "1.06"}}
	authorsTrunc  = map[string]map[float64]string{"flipflop": {0: "0.063, 4e-4, 6e-5, 6e-5", 0.9: "0.055, 0.0075, 5e-4, 2e-5", 1.8: "0.047, 0.053, 0.033, 0.002"}}
	authorsShuf   = map[string]map[float64]string{"flipflop": {0.9: "0.063", 1.8: "0.063"}}
	authorsRank90 = map[string]map[float64]string{"flipflop": {1.8: "10"}, "mante": {1.8: "13"}, "romo": {0.9: "9", 1.8: "18"}}
)

func authors(m map[string]map[float64]string, task string, g float64) string {
	if v, ok := m[task][g]; ok {
		return v
	}
	return ""
}

// learned reports whether a run's final test loss is at most
// LearnedFraction of its initial one.
func learned(a *runs.Analysis) bool {
	return a != nil && a.LossFinal <= LearnedFraction*a.LossInit
}

// rank90 returns the number of leading singular values holding 90% of the
// squared norm, from the cumulative shares; -1 if the shares listed do
// not reach it.
func rank90(share []float64) int {
	for i, s := range share {
		if s >= 0.9-1e-12 {
			return i + 1
		}
	}
	return -1
}

// randomRank90 is rank90 of an N x N matrix of independent Gaussian
// entries (fixed seed): what "full rank" looks like by this measure. The
// measure does not depend on the matrix's norm, so this is also the value
// for a random matrix of the same norm as dW. The quarter-circle law puts
// it at about 0.52 N for large N (66 at N 128, 131 at N 256).
func randomRank90(n int) int {
	sv, err := analysis.SingularValues(randomMatrix(n, 1))
	if err != nil {
		return -1
	}
	return rank90(cumShare(sv))
}

// randomMatrix is an N x N matrix of independent standard Gaussian
// entries.
func randomMatrix(n int, seed uint64) *mat.Dense {
	rng := rand.New(rand.NewPCG(seed, uint64(n)))
	d := mat.NewDense(n, n, nil)
	for i := range n {
		for j := range n {
			d.Set(i, j, rng.NormFloat64())
		}
	}
	return d
}

// randomRankLimit is claim 1's threshold for N x N matrices: the largest
// 90%-rank that counts as low rank, RandomRankFraction of a random
// matrix's.
func randomRankLimit(n int) int {
	return int(math.Floor(RandomRankFraction * float64(randomRank90(n))))
}

// cumShare returns the cumulative shares of the squared singular values.
func cumShare(sv []float64) []float64 {
	var tot float64
	for _, s := range sv {
		tot += s * s
	}
	out := make([]float64, len(sv))
	var c float64
	for i, s := range sv {
		c += s * s
		out[i] = c / tot
	}
	return out
}

// epochsTo returns the first epoch at which the 10-epoch running mean of
// the training loss falls below frac times the mean of the first 10
// epochs, or -1 if it never does.
func epochsTo(m *trainers.Metrics, frac float64) int {
	const w = 10
	l := m.Loss
	if len(l) < w {
		return -1
	}
	var first float64
	for _, x := range l[:w] {
		first += x
	}
	var sum float64
	for i, x := range l {
		sum += x
		if i >= w {
			sum -= l[i-w]
		}
		if i >= w-1 && sum < frac*first {
			return i + 1
		}
	}
	return -1
}

// meanTime averages learning times, counting "never" (-1) as one epoch
// past the end.
func meanTime(ts []int, epochs int) float64 {
	if len(ts) == 0 {
		return math.Inf(1)
	}
	var s float64
	for _, t := range ts {
		if t < 0 {
			t = epochs + 1
		}
		s += float64(t)
	}
	return s / float64(len(ts))
}

// lsSlope is the least-squares slope of y against x.
func lsSlope(x, y []float64) float64 {
	var mx, my float64
	for i := range x {
		mx += x[i]
		my += y[i]
	}
	mx /= float64(len(x))
	my /= float64(len(y))
	var num, den float64
	for i := range x {
		num += (x[i] - mx) * (y[i] - my)
		den += (x[i] - mx) * (x[i] - mx)
	}
	return num / den
}

func sortedKeys(m map[float64][]float64) []float64 {
	var ks []float64
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

func yesNo(b bool) string {
	if b {
		return "yes"
	}
	return "no"
}

func fg(x float64) string { return strconv.FormatFloat(x, 'g', 4, 64) }
func f2(x float64) string { return fnum(x, 'f', 2) }
func f3(x float64) string { return fnum(x, 'f', 3) }
func f4(x float64) string { return fnum(x, 'f', 4) }
func f5(x float64) string { return fnum(x, 'f', 5) }
func e2(x float64) string { return fnum(x, 'e', 1) }

func fnum(x float64, f byte, p int) string {
	if math.IsNaN(x) || math.IsInf(x, 0) {
		return "n/a"
	}
	return strconv.FormatFloat(x, f, p, 64)
}

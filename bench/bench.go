package bench

import (
	"fmt"
	"runtime"
	"slices"
	"syscall"
	"time"

	"github.com/rnnlab/rnnlab/internal/fblas"
	"github.com/rnnlab/rnnlab/models"
)

// Workload is one engine on one training problem.
type Workload struct {
	// Name identifies the problem, e.g. "flipflop"; Engine and Dtype the
	// engine.
	Name   string
	Engine string
	Dtype  models.Dtype
	// FLOPs is the arithmetic of one iteration (multiply-adds count 2).
	FLOPs float64
	// Gemm is the dominant matrix product (m x k times k x n), whose
	// measured throughput is the reference for the workload's rate.
	Gemm [3]int
	// Setup builds the workload and returns one iteration.
	Setup func() (func() error, error)
}

// ID returns name/engine/dtype.
func (w Workload) ID() string { return w.Name + "/" + w.Engine + "/" + string(w.Dtype) }

// Result is the measurement of one workload.
type Result struct {
	ID       string  `json:"id"`
	Name     string  `json:"workload"`
	Engine   string  `json:"engine"`
	Dtype    string  `json:"dtype"`
	Iters    int     `json:"iterations"`
	MsMedian float64 `json:"ms_median"`
	MsMin    float64 `json:"ms_min"`
	MsMax    float64 `json:"ms_max"`
	// CPUMsMedian is the median process CPU time of an iteration (all
	// threads): the iteration's work, which other processes on the
	// machine barely change, unlike its wall time.
	CPUMsMedian   float64 `json:"cpu_ms_median"`
	GFLOPs        float64 `json:"gflop_per_s"`
	GemmGFLOPs    float64 `json:"gemm_gflop_per_s"`
	PctGemm       float64 `json:"pct_of_gemm"`
	AllocsPerIter float64 `json:"allocs_per_iter"`
	BytesPerIter  float64 `json:"bytes_per_iter"`
	PeakRSSMB     float64 `json:"peak_rss_mb,omitempty"`
}

// Run measures the workloads: warmup untimed iterations each, then iters
// rounds in which every workload runs one iteration, in turn.
func Run(ws []Workload, iters, warmup int) ([]Result, error) {
	if iters < 1 {
		return nil, fmt.Errorf("iterations = %d: must be >= 1", iters)
	}
	steps := make([]func() error, len(ws))
	for i, w := range ws {
		s, err := w.Setup()
		if err != nil {
			return nil, fmt.Errorf("%s: %w", w.ID(), err)
		}
		steps[i] = s
		for range warmup {
			if err := s(); err != nil {
				return nil, fmt.Errorf("%s: %w", w.ID(), err)
			}
		}
	}
	times := make([][]float64, len(ws))
	cpus := make([][]float64, len(ws))
	allocs := make([]uint64, len(ws))
	bytes := make([]uint64, len(ws))
	var before, after runtime.MemStats
	for range iters {
		for i, s := range steps {
			runtime.ReadMemStats(&before)
			c0 := cpuSeconds()
			t0 := time.Now()
			if err := s(); err != nil {
				return nil, fmt.Errorf("%s: %w", ws[i].ID(), err)
			}
			el := time.Since(t0)
			cpus[i] = append(cpus[i], (cpuSeconds()-c0)*1e3)
			runtime.ReadMemStats(&after)
			times[i] = append(times[i], float64(el)/1e6)
			allocs[i] += after.Mallocs - before.Mallocs
			bytes[i] += after.TotalAlloc - before.TotalAlloc
		}
	}
	gemm := map[string]float64{}
	out := make([]Result, len(ws))
	for i, w := range ws {
		t := slices.Clone(times[i])
		slices.Sort(t)
		med := median(t)
		key := fmt.Sprint(w.Gemm, w.Dtype)
		if _, ok := gemm[key]; !ok {
			gemm[key] = GemmGFLOPs(w.Gemm, w.Dtype, 200*time.Millisecond)
		}
		r := Result{ID: w.ID(), Name: w.Name, Engine: w.Engine, Dtype: string(w.Dtype), Iters: iters,
			MsMedian: med, MsMin: t[0], MsMax: t[len(t)-1], CPUMsMedian: median(slices.Sorted(slices.Values(cpus[i]))),
			GFLOPs: w.FLOPs / (med / 1e3) / 1e9, GemmGFLOPs: gemm[key],
			AllocsPerIter: float64(allocs[i]) / float64(iters), BytesPerIter: float64(bytes[i]) / float64(iters)}
		r.PctGemm = 100 * r.GFLOPs / r.GemmGFLOPs
		out[i] = r
	}
	return out, nil
}

// GemmGFLOPs measures the throughput of fblas.Gemm for an m x k times
// k x n product in the given precision, repeating it for about dur.
func GemmGFLOPs(shape [3]int, dtype models.Dtype, dur time.Duration) float64 {
	m, n, k := shape[0], shape[1], shape[2]
	run := func() func() {
		if dtype == models.Float32 {
			a, b, c := make([]float32, m*k), make([]float32, k*n), make([]float32, m*n)
			fill32(a)
			fill32(b)
			return func() { fblas.Gemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n) }
		}
		a, b, c := make([]float64, m*k), make([]float64, k*n), make([]float64, m*n)
		fill64(a)
		fill64(b)
		return func() { fblas.Gemm(false, false, m, n, k, 1, a, k, b, n, 0, c, n) }
	}()
	run()
	var reps int
	t0 := time.Now()
	for time.Since(t0) < dur || reps < 3 {
		run()
		reps++
	}
	sec := time.Since(t0).Seconds()
	return 2 * float64(m) * float64(n) * float64(k) * float64(reps) / sec / 1e9
}

func fill64(x []float64) {
	for i := range x {
		x[i] = float64(i%17)/17 - 0.5
	}
}

func fill32(x []float32) {
	for i := range x {
		x[i] = float32(i%17)/17 - 0.5
	}
}

// median returns the median of sorted values.
func median(t []float64) float64 {
	if len(t)%2 == 0 {
		return (t[len(t)/2-1] + t[len(t)/2]) / 2
	}
	return t[len(t)/2]
}

// cpuSeconds returns the process's user and system CPU time.
func cpuSeconds() float64 {
	var ru syscall.Rusage
	if syscall.Getrusage(syscall.RUSAGE_SELF, &ru) != nil {
		return 0
	}
	return float64(ru.Utime.Nano()+ru.Stime.Nano()) / 1e9
}

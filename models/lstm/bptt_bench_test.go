package lstm

import (
	"math/rand/v2"
	"os"
	"testing"
	"time"

	"github.com/rnnlab/rnnlab/datasets/sst"
	"github.com/rnnlab/rnnlab/internal/fblas"
	"github.com/rnnlab/rnnlab/models"
)

// benchEngines lists the engines the benchmarks compare.
var benchEngines = []struct {
	name string
	make func(t testing.TB, m *Model, dtype models.Dtype) models.Engine[*sst.Batch]
}{
	{"bptt", func(t testing.TB, m *Model, d models.Dtype) models.Engine[*sst.Batch] { return newBPTT(t, m, d) }},
	{"autodiff", func(t testing.TB, m *Model, d models.Dtype) models.Engine[*sst.Batch] {
		e := newAutodiff(t, m, d)
		e.RoundT = 1
		return e
	}},
}

// paperBatch returns a batch of the paper's shape (B 64, T 20) for cfg with
// a dropout draw: the lengths are random in 1..20 (about 10.5 tokens on
// average, as BenchmarkLossGrad's batch), or all 20 when full is set.
func paperBatch(cfg Config, full bool) *sst.Batch {
	bt := testBatch(1, cfg, 64, 20, 0)
	if full {
		for r := range bt.Lengths {
			bt.Lengths[r] = bt.T
			for s := range bt.T {
				if bt.IDs[r*bt.T+s] == 0 {
					bt.IDs[r*bt.T+s] = 2 + (r*bt.T+s)%(cfg.Vocab-2)
				}
			}
		}
	}
	bt.SetDropout(rand.New(rand.NewPCG(1, 2)), cfg.Hidden, cfg.Dropout)
	return bt
}

// BenchmarkBPTTLossGrad times one LossGrad of each engine at the paper's
// size (V 16000, E 100, H 256, 2 layers, B 64, T 20, dropout 0.5,
// embedding trained), in both precisions, on a batch of random lengths
// 1..20 ("random") and on one where every sentence has 20 tokens ("full"),
// after a first call that builds graphs or work arrays.
//
//	go test -run '^$' -bench BPTTLossGrad -benchtime 3x ./models/lstm/
func BenchmarkBPTTLossGrad(b *testing.B) {
	cfg := DefaultConfig(16000)
	for _, lengths := range []string{"random", "full"} {
		for _, eng := range benchEngines {
			for _, dtype := range []models.Dtype{models.Float64, models.Float32} {
				b.Run(eng.name+"/"+string(dtype)+"/"+lengths, func(b *testing.B) {
					m, err := New(cfg, 1)
					if err != nil {
						b.Fatal(err)
					}
					e := eng.make(b, m, dtype)
					bt := paperBatch(cfg, lengths == "full")
					if _, err := e.LossGrad(bt); err != nil {
						b.Fatal(err)
					}
					b.ReportAllocs()
					b.ResetTimer()
					for range b.N {
						if _, err := e.LossGrad(bt); err != nil {
							b.Fatal(err)
						}
					}
				})
			}
		}
	}
}

// BenchmarkBPTTSpeedup runs the two engines interleaved at the paper's
// size (see BenchmarkBPTTLossGrad), one LossGrad of each per iteration, and
// reports each engine's wall time and process CPU time per call and their
// ratios autodiff/bptt, so that the comparison does not depend on what
// else the machine was doing during one engine's run only. The BLAS runs
// on one thread (fblas.SetThreads(1), which also sets OpenBLAS's threads),
// as in sweeps: the process's CPU time is then the work done, unaffected
// by other processes and by OpenBLAS's spinning idle threads.
//
//	go test -run '^$' -bench BPTTSpeedup -benchtime 5x ./models/lstm/
func BenchmarkBPTTSpeedup(b *testing.B) {
	cfg := DefaultConfig(16000)
	for _, lengths := range []string{"random", "full"} {
		for _, dtype := range []models.Dtype{models.Float64, models.Float32} {
			b.Run(string(dtype)+"/"+lengths, func(b *testing.B) {
				m, err := New(cfg, 1)
				if err != nil {
					b.Fatal(err)
				}
				bt := paperBatch(cfg, lengths == "full")
				engs := []models.Engine[*sst.Batch]{benchEngines[0].make(b, m, dtype), benchEngines[1].make(b, m, dtype)}
				for _, e := range engs {
					if _, err := e.LossGrad(bt); err != nil {
						b.Fatal(err)
					}
				}
				defer fblas.SetThreads(fblas.SetThreads(1))
				var wall, cpu [2]time.Duration
				b.ResetTimer()
				for range b.N {
					for i, e := range engs {
						w0, c0 := time.Now(), cpuTime()
						if _, err := e.LossGrad(bt); err != nil {
							b.Fatal(err)
						}
						wall[i] += time.Since(w0)
						cpu[i] += cpuTime() - c0
					}
				}
				ms := func(d time.Duration) float64 { return float64(d) / 1e6 / float64(b.N) }
				b.ReportMetric(ms(wall[0]), "bptt-ms")
				b.ReportMetric(ms(wall[1]), "autodiff-ms")
				b.ReportMetric(float64(wall[1])/float64(wall[0]), "speedup")
				if cpu[0] > 0 {
					b.ReportMetric(ms(cpu[0]), "bptt-cpu-ms")
					b.ReportMetric(ms(cpu[1]), "autodiff-cpu-ms")
					b.ReportMetric(float64(cpu[1])/float64(cpu[0]), "cpu-speedup")
				}
			})
		}
	}
}

// sharedSST is the project's shared copy of the SST release; the
// benchmark on real batches skips without it.
const sharedSST = "../../../shared/data/sst"

// BenchmarkBPTTSST compares the engines as BenchmarkBPTTSpeedup does, on
// real SST-2 training batches: the first 8 batches of epoch 1 of the
// training split (64 sentences, bucketed by length as in training), in
// turn, with the paper's network over the full vocabulary and dropout,
// and the autodiff engine with its default RoundT. One BLAS thread.
//
//	go test -run '^$' -bench BPTTSST -benchtime 8x ./models/lstm/
func BenchmarkBPTTSST(b *testing.B) {
	if _, err := os.Stat(sharedSST); err != nil {
		b.Skipf("no shared SST data at %s", sharedSST)
	}
	exs, err := sst.Load(sharedSST, sst.Train, sst.Options{Binary: true})
	if err != nil {
		b.Fatal(err)
	}
	vocab, err := sst.BuildVocab(exs, sst.VocabOptions{})
	if err != nil {
		b.Fatal(err)
	}
	data, err := sst.Encode(vocab, exs)
	if err != nil {
		b.Fatal(err)
	}
	batcher, err := sst.NewBatcher(data, sst.BatcherOptions{BatchSize: 64, Shuffle: true, Seed: 1})
	if err != nil {
		b.Fatal(err)
	}
	batches := batcher.Epoch(1)[:8]
	cfg := DefaultConfig(vocab.Len())
	rng := rand.New(rand.NewPCG(1, 2))
	tokens, padded := 0, 0
	for _, x := range batches {
		x.SetDropout(rng, cfg.Hidden, cfg.Dropout)
		tokens += x.Tokens()
		padded += x.B * x.T
	}
	b.Logf("V %d; 8 batches: %d tokens, %d with padding", vocab.Len(), tokens, padded)
	for _, dtype := range []models.Dtype{models.Float64, models.Float32} {
		b.Run(string(dtype), func(b *testing.B) {
			m, err := New(cfg, 1)
			if err != nil {
				b.Fatal(err)
			}
			ad := newAutodiff(b, m, dtype) // default RoundT, as in training
			engs := []models.Engine[*sst.Batch]{newBPTT(b, m, dtype), ad}
			for _, x := range batches { // graphs and work arrays
				for _, e := range engs {
					if _, err := e.LossGrad(x); err != nil {
						b.Fatal(err)
					}
				}
			}
			defer fblas.SetThreads(fblas.SetThreads(1))
			var wall, cpu [2]time.Duration
			b.ResetTimer()
			for i := range b.N {
				x := batches[i%len(batches)]
				for k, e := range engs {
					w0, c0 := time.Now(), cpuTime()
					if _, err := e.LossGrad(x); err != nil {
						b.Fatal(err)
					}
					wall[k] += time.Since(w0)
					cpu[k] += cpuTime() - c0
				}
			}
			ms := func(d time.Duration) float64 { return float64(d) / 1e6 / float64(b.N) }
			b.ReportMetric(ms(wall[0]), "bptt-ms")
			b.ReportMetric(ms(wall[1]), "autodiff-ms")
			b.ReportMetric(float64(wall[1])/float64(wall[0]), "speedup")
			if cpu[0] > 0 {
				b.ReportMetric(ms(cpu[0]), "bptt-cpu-ms")
				b.ReportMetric(ms(cpu[1]), "autodiff-cpu-ms")
				b.ReportMetric(float64(cpu[1])/float64(cpu[0]), "cpu-speedup")
			}
		})
	}
}

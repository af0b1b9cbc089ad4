package bench

import (
	"testing"

	"github.com/rnnlab/rnnlab/models"
)

// TestLSTMWorkloads runs every engine and precision of a tiny LSTM
// workload for one iteration, and checks the paper's size: batches of
// 16..24 tokens (T 24) and about 6.8 GFLOP per iteration.
func TestLSTMWorkloads(t *testing.T) {
	dtypes := []models.Dtype{models.Float64, models.Float32}
	ws, err := Workloads([]string{LSTMName}, []string{"bptt", "autodiff"}, dtypes, TinyLSTM())
	if err != nil {
		t.Fatal(err)
	}
	if len(ws) != 4 {
		t.Fatalf("%d workloads, want 4", len(ws))
	}
	res, err := Run(ws, 1, 1)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range res {
		if r.Name != LSTMName || !(r.MsMedian > 0 && r.GFLOPs > 0 && r.GemmGFLOPs > 0) {
			t.Errorf("%+v", r)
		}
	}

	p := PaperLSTM()
	for _, b := range p.batches() {
		if b.B != 64 || b.T != 24 || b.Validate(p.Vocab, p.Hidden) != nil {
			t.Errorf("batch B %d T %d: %v", b.B, b.T, b.Validate(p.Vocab, p.Hidden))
		}
		for _, l := range b.Lengths {
			if l < 16 || l > 24 {
				t.Errorf("length %d", l)
			}
		}
	}
	if f := p.FLOPs(); f < 6e9 || f > 7.5e9 {
		t.Errorf("paper LSTM: %.3g FLOP per iteration, want about 6.8e9", f)
	}

	bad := TinyLSTM()
	bad.MinLen = 0
	if _, err := LSTMWorkloads(bad, []string{"bptt"}, dtypes); err == nil {
		t.Error("lengths from 0: no error")
	}
	if _, err := LSTMWorkloads(TinyLSTM(), []string{"jax"}, dtypes); err == nil {
		t.Error("engine jax: no error")
	}
}

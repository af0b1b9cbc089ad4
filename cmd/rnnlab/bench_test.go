package main

import (
	"encoding/json"
	"strings"
	"testing"
)

// TestBench runs the bench command on the cosine task (its network is the
// smallest): the JSON has one result per engine and precision, with
// positive times and rates, and a peak RSS measured in a child process.
func TestBench(t *testing.T) {
	code, stdout, stderr := rnnlab(t, "bench", "--tasks", "cosine", "--iters", "2", "--warmup", "0", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var out struct {
		Machine map[string]any
		Results []struct {
			ID        string  `json:"id"`
			MsMedian  float64 `json:"ms_median"`
			GFLOPs    float64 `json:"gflop_per_s"`
			PctGemm   float64 `json:"pct_of_gemm"`
			PeakRSSMB float64 `json:"peak_rss_mb"`
		}
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("%v: %s", err, stdout)
	}
	if len(out.Results) != 4 || out.Machine["blas"] == nil {
		t.Fatalf("results %+v", out)
	}
	for _, r := range out.Results {
		if !(r.MsMedian > 0 && r.GFLOPs > 0 && r.PctGemm > 0 && r.PeakRSSMB > 1) {
			t.Errorf("%s: %+v", r.ID, r)
		}
	}
	code, stdout, _ = rnnlab(t, "bench", "--tasks", "cosine", "--engines", "bptt", "--dtypes", "float64", "--iters", "1", "--no-rss")
	if code != 0 || !strings.Contains(stdout, "cosine") || !strings.Contains(stdout, "BLAS") {
		t.Errorf("table: exit %d\n%s", code, stdout)
	}
	for _, bad := range [][]string{{"--engines", "jax"}, {"--dtypes", "float16"}, {"--iters", "0"}, {"--tasks", "parity"}} {
		if code, _, _ := rnnlab(t, append([]string{"bench"}, bad...)...); code != exitUsage {
			t.Errorf("bench %v: exit %d, want 2", bad, code)
		}
	}
}

// TestBenchLSTM runs the bench command on a tiny LSTM workload (the hidden
// --lstm-tiny flag) next to a rate RNN task: one result per engine and
// precision with positive times and rates, peak RSS from a child process,
// and the table's ratio line for the LSTM.
func TestBenchLSTM(t *testing.T) {
	code, stdout, stderr := rnnlab(t, "bench", "--tasks", "lstm", "--lstm-tiny", "--iters", "1", "--warmup", "0", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var out struct {
		Results []struct {
			ID        string  `json:"id"`
			Name      string  `json:"workload"`
			MsMedian  float64 `json:"ms_median"`
			GFLOPs    float64 `json:"gflop_per_s"`
			PctGemm   float64 `json:"pct_of_gemm"`
			PeakRSSMB float64 `json:"peak_rss_mb"`
		}
	}
	if err := json.Unmarshal([]byte(stdout), &out); err != nil {
		t.Fatalf("%v: %s", err, stdout)
	}
	if len(out.Results) != 4 {
		t.Fatalf("results %+v", out)
	}
	for _, r := range out.Results {
		if r.Name != "lstm" || !(r.MsMedian > 0 && r.GFLOPs > 0 && r.PctGemm > 0 && r.PeakRSSMB > 1) {
			t.Errorf("%s: %+v", r.ID, r)
		}
	}
	code, stdout, stderr = rnnlab(t, "bench", "--tasks", "cosine,lstm", "--lstm-tiny", "--dtypes", "float32", "--iters", "1", "--warmup", "0", "--no-rss")
	if code != 0 || !strings.Contains(stdout, "lstm float32: bptt/autodiff time ratio") || !strings.Contains(stdout, "cosine float32: bptt/autodiff") {
		t.Errorf("table: exit %d\n%s\n%s", code, stdout, stderr)
	}
}

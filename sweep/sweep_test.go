package sweep

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/rnnlab/rnnlab/runs"
)

func TestParseGrid(t *testing.T) {
	good := map[string][]float64{
		"0:2.1:0.3":   {0, 0.3, 0.6, 0.9, 1.2, 1.5, 1.8, 2.1},
		"0:0.9:0.3":   {0, 0.3, 0.6, 0.9},
		"0,0.9,1.8":   {0, 0.9, 1.8},
		" 1.5 ":       {1.5},
		"0.5:0.5:0.1": {0.5},
		"0:1:0.4":     {0, 0.4, 0.8},
	}
	for s, want := range good {
		got, err := ParseGrid(s)
		if err != nil {
			t.Errorf("%q: %v", s, err)
			continue
		}
		if len(got) != len(want) {
			t.Errorf("%q: %v, want %v", s, got, want)
			continue
		}
		for i := range want {
			if got[i] != want[i] {
				t.Errorf("%q: %v, want %v", s, got, want)
				break
			}
		}
	}
	bad := map[string]string{
		"":           "empty",
		",":          "empty",
		"1:0:0.1":    "empty",
		"0:1:0":      "step",
		"0:1:-0.1":   "step",
		"-0.3,0.3":   "negative",
		"-1:1:0.5":   "negative",
		"0,x":        "not a finite number",
		"0:1":        "start:stop:step",
		"0.3,0.3":    "twice",
		"NaN":        "not a finite number",
		"0:1e9:1e-9": "more than",
	}
	for s, want := range bad {
		if _, err := ParseGrid(s); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want one saying %q", s, err, want)
		}
	}
}

func TestShards(t *testing.T) {
	if s, err := ParseShard("2/3"); err != nil || s != (Shard{2, 3}) {
		t.Errorf("2/3: %v %v", s, err)
	}
	for _, s := range []string{"3/3", "-1/3", "0/0", "a/b", "1"} {
		if _, err := ParseShard(s); err == nil {
			t.Errorf("%q: no error", s)
		}
	}
	env := func(m map[string]string) func(string) string { return func(k string) string { return m[k] } }
	cases := []struct {
		env  map[string]string
		want Shard
		ok   bool
		err  bool
	}{
		{map[string]string{}, All, false, false},
		{map[string]string{"SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_COUNT": "10"}, Shard{4, 10}, true, false},
		{map[string]string{"SLURM_ARRAY_TASK_ID": "4", "SLURM_ARRAY_TASK_MAX": "9"}, Shard{4, 10}, true, false},
		{map[string]string{"SLURM_ARRAY_TASK_ID": "4"}, Shard{}, true, true},
		{map[string]string{"SLURM_ARRAY_TASK_ID": "10", "SLURM_ARRAY_TASK_COUNT": "10"}, Shard{}, true, true},
		{map[string]string{"JOB_COMPLETION_INDEX": "2", "RNNLAB_SHARD_COUNT": "3"}, Shard{2, 3}, true, false},
		{map[string]string{"JOB_COMPLETION_INDEX": "2"}, Shard{}, true, true},
	}
	for _, c := range cases {
		s, ok, err := ShardFromEnv(env(c.env))
		if (err != nil) != c.err || ok != c.ok || !c.err && s != c.want {
			t.Errorf("%v: shard %v ok %v err %v", c.env, s, ok, err)
		}
	}
}

func TestCellSeeds(t *testing.T) {
	seen := map[uint64]bool{}
	for gi := 0; gi < 10; gi++ {
		for s := 0; s < 5; s++ {
			seed := CellSeed(1, gi, s, false)
			if seen[seed] {
				t.Fatalf("seed of cell (%d, %d) repeats", gi, s)
			}
			seen[seed] = true
			if seed != CellSeed(1, gi, s, false) {
				t.Fatal("CellSeed is not deterministic")
			}
		}
	}
	if CellSeed(1, 0, 2, true) != CellSeed(1, 7, 2, true) {
		t.Error("same-w0: the seed depends on g")
	}
	if CellSeed(1, 0, 2, false) == CellSeed(2, 0, 2, false) {
		t.Error("the base seed does not change cell seeds")
	}
}

// tinySpec is a sweep that trains 6 networks of 8 neurons in well under a
// second.
func tinySpec(t *testing.T) Spec {
	t.Helper()
	cfg, err := runs.DefaultConfig("flipflop")
	if err != nil {
		t.Fatal(err)
	}
	cfg.Model.N, cfg.Epochs, cfg.Batch = 8, 6, 4
	ac := runs.DefaultAnalysisConfig()
	ac.TestBatch, ac.MaxRank, ac.Shuffles, ac.TopK = 16, 3, 2, 3
	return Spec{Train: cfg, G: []float64{0, 0.9, 1.8}, Samples: 2, Analysis: ac}
}

// TestRunResumeShards runs a sweep in one process; then again after
// deleting one finished cell and leaving a half-written one (only those
// are redone); then as three shards collected together. The summaries are
// byte-identical.
func TestRunResumeShards(t *testing.T) {
	ctx := context.Background()
	spec := tinySpec(t)
	one := t.TempDir()
	n, err := Run(ctx, spec, one, Options{Jobs: 2})
	if err != nil || n != 6 {
		t.Fatalf("first run: %d cells, %v", n, err)
	}
	want, err := os.ReadFile(filepath.Join(one, SummaryCSV))
	if err != nil {
		t.Fatal(err)
	}
	if lines := bytes.Count(want, []byte("\n")); lines != 7 {
		t.Fatalf("summary.csv has %d lines, want 7", lines)
	}
	// Resume: nothing to do.
	if n, err := Run(ctx, spec, one, Options{Jobs: 1}); err != nil || n != 0 {
		t.Errorf("rerun: %d cells trained, %v", n, err)
	}
	// An interrupted cell (a temporary directory) and a deleted one.
	os.RemoveAll(filepath.Join(one, CellsDir, "g01_s1"))
	os.MkdirAll(filepath.Join(one, CellsDir, ".tmp-g02_s0"), 0o755)
	os.Remove(filepath.Join(one, CellsDir, "g02_s0", CellFile))
	if n, err := Run(ctx, spec, one, Options{Jobs: 1}); err != nil || n != 2 {
		t.Errorf("resume: %d cells trained, want 2 (%v)", n, err)
	}
	got, _ := os.ReadFile(filepath.Join(one, SummaryCSV))
	if !bytes.Equal(got, want) {
		t.Error("summary after resuming differs")
	}
	if _, err := os.Stat(filepath.Join(one, CellsDir, ".tmp-g02_s0")); !os.IsNotExist(err) {
		t.Error("the interrupted cell's temporary directory is still there")
	}

	// Three shards into one directory, then collect.
	sharded := t.TempDir()
	for i := 0; i < 3; i++ {
		if _, err := Run(ctx, spec, sharded, Options{Jobs: 1, Shard: Shard{i, 3}}); err != nil {
			t.Fatal(err)
		}
	}
	os.Remove(filepath.Join(sharded, SummaryCSV))
	if err := Collect(sharded); err != nil {
		t.Fatal(err)
	}
	got, _ = os.ReadFile(filepath.Join(sharded, SummaryCSV))
	if !bytes.Equal(got, want) {
		t.Errorf("sharded summary differs:\n%s\nsingle process:\n%s", got, want)
	}
}

// TestPrepareRefusesOtherFlags checks that a sweep directory made with
// other settings is refused with the differing setting named, and that
// nothing in it is changed.
func TestPrepareRefusesOtherFlags(t *testing.T) {
	dir := t.TempDir()
	spec := tinySpec(t)
	if err := Prepare(spec, dir); err != nil {
		t.Fatal(err)
	}
	before, _ := os.ReadFile(filepath.Join(dir, SpecFile))
	other := tinySpec(t)
	other.Train.Epochs = 7
	err := Prepare(other, dir)
	if err == nil || !strings.Contains(err.Error(), "train.epochs is 6 in the sweep directory but 7 now") {
		t.Errorf("error %v, want one naming train.epochs", err)
	}
	other = tinySpec(t)
	other.G = []float64{0, 0.9}
	if err := Prepare(other, dir); err == nil || !strings.Contains(err.Error(), "g is") {
		t.Errorf("error %v, want one naming g", err)
	}
	after, _ := os.ReadFile(filepath.Join(dir, SpecFile))
	if !bytes.Equal(before, after) {
		t.Error("sweep.json changed")
	}
	if err := Collect(dir); err == nil || !strings.Contains(err.Error(), "6 of 6 cells are not finished") {
		t.Errorf("collect of an empty sweep: %v", err)
	}
}

// TestResumeInterruptedCell interrupts a sweep while a cell trains (after
// the cell's training wrote a checkpoint) and runs it again: the cell
// continues from its checkpoint, and the summary equals an uninterrupted
// sweep's, byte for byte.
func TestResumeInterruptedCell(t *testing.T) {
	spec := tinySpec(t)
	spec.G, spec.Samples = []float64{0.9}, 1
	spec.Train.Epochs, spec.Train.CheckpointEvery = 400, 10
	ref := t.TempDir()
	if _, err := Run(context.Background(), spec, ref, Options{Jobs: 1}); err != nil {
		t.Fatal(err)
	}
	want, err := os.ReadFile(filepath.Join(ref, SummaryCSV))
	if err != nil {
		t.Fatal(err)
	}

	dir := t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	ckpt := filepath.Join(dir, CellsDir, ".tmp-"+spec.Cells()[0].Name(), runs.CheckpointFile)
	go func() {
		for ctx.Err() == nil {
			var idx struct{ Epoch int }
			if b, err := os.ReadFile(ckpt); err == nil && json.Unmarshal(b, &idx) == nil && idx.Epoch >= 20 {
				cancel()
				return
			}
			time.Sleep(time.Millisecond)
		}
	}()
	if _, err := Run(ctx, spec, dir, Options{Jobs: 1}); err == nil {
		t.Skip("the sweep finished before it was interrupted; the machine is faster than this test assumes")
	}
	cancel()
	if _, err := os.Stat(ckpt); err != nil {
		t.Fatalf("no checkpoint after the interruption: %v", err)
	}
	var idx struct{ Epoch int }
	b, _ := os.ReadFile(ckpt)
	json.Unmarshal(b, &idx)
	if idx.Epoch >= spec.Train.Epochs {
		t.Fatalf("checkpoint at epoch %d", idx.Epoch)
	}
	resumes := cellResumes.Load()
	n, err := Run(context.Background(), spec, dir, Options{Jobs: 1})
	if err != nil || n != 1 {
		t.Fatalf("resumed sweep: %d cells, %v", n, err)
	}
	if cellResumes.Load() != resumes+1 {
		t.Error("the cell was trained again from the start, not resumed")
	}
	got, err := os.ReadFile(filepath.Join(dir, SummaryCSV))
	if err != nil {
		t.Fatal(err)
	}
	if string(got) != string(want) {
		t.Errorf("summary after resuming from epoch %d differs:\n%s\nwant\n%s", idx.Epoch, got, want)
	}
	// The resumed training's metrics have every epoch once.
	met, err := runs.ReadMetrics(filepath.Join(dir, CellsDir, spec.Cells()[0].Name()))
	if err != nil || met.Len() != spec.Train.Epochs {
		t.Errorf("metrics: %v rows, %v", met, err)
	}
}

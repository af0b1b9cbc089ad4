package reproduce

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/rnnlab/rnnlab/linear"
	"github.com/rnnlab/rnnlab/sentiment"
	"github.com/rnnlab/rnnlab/sweep"
)

// sharedSST returns the repository's ../shared/data/sst, or "" when it is
// absent (the LSTM stage is then skipped, which the test checks instead).
func sharedSST(t *testing.T) string {
	dir, err := filepath.Abs(filepath.Join("..", "..", "shared", "data", "sst"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "train.txt")); err != nil {
		t.Logf("no SST data at %s: the LSTM stage is checked as skipped", dir)
		return ""
	}
	return dir
}

// tinyPreset is the quick preset shrunk to seconds: every stage runs, on
// networks too small to show the claims.
func tinyPreset(t *testing.T) Preset {
	p, err := NewPreset("quick")
	if err != nil {
		t.Fatal(err)
	}
	p.Name = "tiny"
	for task, s := range p.Sweeps {
		s.Train.Model.N = 16
		s.Train.Epochs = 30
		s.Train.Batch = 8
		s.Train.SpectraEvery = 10
		s.G = []float64{0, 0.9}
		s.Analysis.TestBatch, s.Analysis.MaxRank, s.Analysis.TopK, s.Analysis.Shuffles = 16, 4, 4, 1
		p.Sweeps[task] = s
	}
	p.Linear.Train.Model.N = 24
	p.Linear.Train.Epochs = 20
	p.Linear.G = []float64{0, 0.5}
	p.Linear.Targets, p.Linear.BaseRates = []float64{0.5}, []float64{0.015}
	p.Linear.Samples = 1
	p.Sentiment = sentiment.DefaultConfig()
	p.Sentiment.Model.Hidden, p.Sentiment.Model.Emb = 8, 8
	p.Sentiment.Epochs, p.Sentiment.Phrases, p.Sentiment.MaxVocab = 1, false, 500
	p.Truncation = sentiment.TruncationConfig{Ranks: []int{0, 1, 2, 8}}
	return p
}

// claimsJSON is the part of report.json that depends on the results only.
func claimsJSON(t *testing.T, dir string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, ReportJSON))
	if err != nil {
		t.Fatal(err)
	}
	var rep Report
	if err := json.Unmarshal(b, &rep); err != nil {
		t.Fatal(err)
	}
	out, _ := json.Marshal(rep.Claims)
	return out
}

// cancelAt is a progress writer that cancels a context when it sees a
// stage header.
type cancelAt struct {
	mu     sync.Mutex
	stage  string
	cancel context.CancelFunc
}

func (c *cancelAt) Write(p []byte) (int, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if bytes.Contains(p, []byte(c.stage)) {
		c.cancel()
	}
	return len(p), nil
}

// TestRunResumes runs the tiny preset once straight through and once
// interrupted at the linear stage and run again: both reports hold the
// same claims, and a third run on the finished directory trains nothing.
func TestRunResumes(t *testing.T) {
	p := tinyPreset(t)
	data := sharedSST(t)
	o := Options{Jobs: 2, Data: data}
	if data == "" {
		o.Data = t.TempDir() // holds no SST files: the stage is skipped
	}
	ref := filepath.Join(t.TempDir(), "ref")
	rep, err := Run(context.Background(), p, ref, o)
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.Claims) != 6 {
		t.Fatalf("%d claims", len(rep.Claims))
	}
	for _, c := range rep.Claims {
		if c.Verdict != Holds && c.Verdict != DoesNotHold && c.Verdict != NotRun {
			t.Errorf("claim %d: verdict %q", c.Number, c.Verdict)
		}
		if c.Number <= 5 && c.Verdict == NotRun {
			t.Errorf("claim %d not run: %v", c.Number, c.Reasons)
		}
	}
	if c6 := rep.Claims[5]; (data == "") != (c6.Verdict == NotRun) {
		t.Errorf("claim 6 with data %q: %s %v", data, c6.Verdict, c6.Reasons)
	}

	dir := filepath.Join(t.TempDir(), "run")
	ctx, cancel := context.WithCancel(context.Background())
	o2 := o
	o2.Progress = &cancelAt{stage: "stage 4/5", cancel: cancel}
	if _, err := Run(ctx, p, dir, o2); err == nil {
		t.Fatal("the interrupted run returned no error")
	}
	if _, err := os.Stat(filepath.Join(dir, ReportMD)); err == nil {
		t.Fatal("the interrupted run wrote a report")
	}
	if _, err := Run(context.Background(), p, dir, o); err != nil {
		t.Fatal(err)
	}
	if a, b := claimsJSON(t, ref), claimsJSON(t, dir); !bytes.Equal(a, b) {
		t.Errorf("claims of the resumed run differ from the uninterrupted run's:\n%s\n%s", a, b)
	}
	rep3, err := Run(context.Background(), p, dir, o)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range rep3.Stages {
		if s.Trained != 0 {
			t.Errorf("a run on a finished directory trained %d in stage %s", s.Trained, s.Name)
		}
	}

	md, _ := os.ReadFile(filepath.Join(dir, ReportMD))
	html, _ := os.ReadFile(filepath.Join(dir, ReportHTML))
	for _, want := range []string{"| claim | verdict | key numbers |", "## Claim 1:", "## Claim 6:", "**Criterion.**"} {
		if !bytes.Contains(md, []byte(want)) {
			t.Errorf("report.md lacks %q", want)
		}
	}
	figs := 0
	for _, c := range rep3.Claims {
		figs += len(c.Figures)
	}
	if figs < 10 {
		t.Errorf("only %d figures in the report", figs)
	}
	if n := bytes.Count(html, []byte(`src="data:image/png;base64,`)); n != figs {
		t.Errorf("report.html embeds %d images, the claims have %d figures", n, figs)
	}
	if !bytes.Contains(html, []byte(`<table id="claims">`)) {
		t.Error("report.html has no claims table")
	}
}

func TestRunErrors(t *testing.T) {
	p := tinyPreset(t)
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, StateFile), []byte(`{"preset": "paper"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	_, err := Run(context.Background(), p, dir, Options{Jobs: 1})
	if err == nil || !strings.Contains(err.Error(), "holds a reproduction with preset paper") {
		t.Errorf("another preset's directory: %v", err)
	}
	if _, err := Run(context.Background(), p, t.TempDir(), Options{Jobs: 0}); err == nil || !strings.Contains(err.Error(), "jobs") {
		t.Errorf("jobs 0: %v", err)
	}
	bad := p
	bad.Sweeps = map[string]sweep.Spec{}
	if _, err := Run(context.Background(), bad, t.TempDir(), Options{Jobs: 1}); err == nil || !strings.Contains(err.Error(), "no sweep for task") {
		t.Errorf("missing sweep: %v", err)
	}
	bad = p
	bad.Linear = linear.Spec{}
	if _, err := Run(context.Background(), bad, t.TempDir(), Options{Jobs: 1}); err == nil || !strings.Contains(err.Error(), "linear") {
		t.Errorf("invalid linear spec: %v", err)
	}
	if _, err := NewPreset("full"); err == nil || !strings.Contains(err.Error(), "allowed quick, paper") {
		t.Errorf("unknown preset: %v", err)
	}
	if _, err := Evaluate(t.TempDir()); err == nil || !strings.Contains(err.Error(), "not a reproduction directory") {
		t.Errorf("Evaluate of an empty directory: %v", err)
	}
}

func TestPresets(t *testing.T) {
	q, err := NewPreset("quick")
	if err != nil {
		t.Fatal(err)
	}
	pp, err := NewPreset("paper")
	if err != nil {
		t.Fatal(err)
	}
	if err := q.Validate(); err != nil {
		t.Error(err)
	}
	if err := pp.Validate(); err != nil {
		t.Error(err)
	}
	// The quick preset is meant for under 10 minutes on 2 cores, the paper
	// for about a day.
	if q.Expected <= 0 || q.Expected.Minutes() > 10 {
		t.Errorf("quick preset expected %s", q.Expected)
	}
	if h := pp.Expected.Hours(); h < 10 || h > 60 {
		t.Errorf("paper preset expected %s", pp.Expected)
	}
}

// TestRunWithoutSST runs the tiny preset where no SST data is found: the
// LSTM stage is skipped with the download command named, claim 6 is not
// run, and the other claims are evaluated.
func TestRunWithoutSST(t *testing.T) {
	p := tinyPreset(t)
	t.Setenv("RNNLAB_DATA", "")
	t.Setenv("XDG_CACHE_HOME", t.TempDir()) // no SST data in the default directory
	rep, err := Run(context.Background(), p, t.TempDir(), Options{Jobs: 2})
	if err != nil {
		t.Fatal(err)
	}
	var st *Stage
	for i := range rep.Stages {
		if rep.Stages[i].Name == "sentiment" {
			st = &rep.Stages[i]
		}
	}
	if st == nil || st.Status != StageSkipped || !strings.Contains(st.Note, "rnnlab data download sst") {
		t.Errorf("sentiment stage: %+v", st)
	}
	c6 := rep.Claims[5]
	if c6.Verdict != NotRun || !strings.Contains(strings.Join(c6.Reasons, " "), "rnnlab data download sst") {
		t.Errorf("claim 6: %s %v", c6.Verdict, c6.Reasons)
	}
	for _, c := range rep.Claims[:5] {
		if c.Verdict == NotRun {
			t.Errorf("claim %d not run: %v", c.Number, c.Reasons)
		}
	}
}

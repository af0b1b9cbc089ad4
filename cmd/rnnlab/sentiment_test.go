package main

import (
	"encoding/json"
	"fmt"
	"math"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/datasets/sst"
	"github.com/rnnlab/rnnlab/sentiment"
)

// sstTree writes tokens as a right-branching PTB tree labelled label.
func sstTree(label int, toks []string) string {
	if len(toks) == 1 {
		return fmt.Sprintf("(%d %s)", label, toks[0])
	}
	return fmt.Sprintf("(%d (2 %s) %s)", label, toks[0], sstTree(label, toks[1:]))
}

// writeSentimentData writes made-up SST splits in PTB format into a new
// directory: short sentences with one sentiment word each; 16 training
// sentences, 8 dev and 8 test (plus neutral ones that SST-2 drops).
func writeSentimentData(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	pos := []string{"good", "great", "fine", "lovely"}
	neg := []string{"bad", "dull", "awful", "boring"}
	fill := []string{"the", "film", "is", "a", "very", "-LRB-"}
	rng := rand.New(rand.NewPCG(3, 3))
	for split, n := range map[string]int{"train.txt": 16, "dev.txt": 8, "test.txt": 8} {
		var b strings.Builder
		for i := 0; i < n; i++ {
			toks := []string{fill[rng.IntN(len(fill))], fill[rng.IntN(len(fill))]}
			if i%2 == 0 {
				toks = append(toks, neg[rng.IntN(len(neg))])
				fmt.Fprintln(&b, sstTree(1, toks))
			} else {
				toks = append(toks, pos[rng.IntN(len(pos))])
				fmt.Fprintln(&b, sstTree(4, toks))
			}
			if i%4 == 0 {
				fmt.Fprintln(&b, sstTree(2, []string{"so", "so"}))
			}
		}
		if err := os.WriteFile(filepath.Join(dir, split), []byte(b.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

// tinySentiment are the flags of a network that trains in a second.
var tinySentiment = []string{"--preset", "paper", "--layers", "2", "--hidden", "8", "--emb", "6", "--epochs", "2", "--batch", "4", "--lr0", "0.5", "--dtype", "float64"}

// TestSentimentCommands trains, evaluates and truncates a tiny LSTM
// through the command line.
func TestSentimentCommands(t *testing.T) {
	data := writeSentimentData(t)
	run := filepath.Join(t.TempDir(), "run")
	args := append([]string{"sentiment", "train", "--data", data, "--out", run, "--spectra-every", "2"}, tinySentiment...)
	code, _, stderr := rnnlab(t, args...)
	if code != 0 {
		t.Fatalf("train: exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"epoch 2/2: train loss", "completed after 2 epochs (8 of 8 steps)", "Adam lr 0.0625", "on sentences"} {
		if !strings.Contains(stderr, want) {
			t.Errorf("train's stderr lacks %q:\n%s", want, stderr)
		}
	}
	r, err := sentiment.LoadRun(run)
	if err != nil {
		t.Fatal(err)
	}
	if c := r.Config; c.Model.Hidden != 8 || c.Model.Emb != 6 || c.Epochs != 2 || c.Batch != 4 || c.LR0 != 0.5 || c.Model.Dropout != 0.5 || c.Engine != "bptt" {
		t.Errorf("config.json holds %+v", c)
	}
	metrics, _ := os.ReadFile(filepath.Join(run, "metrics.csv"))
	if lines := strings.Split(strings.TrimSpace(string(metrics)), "\n"); len(lines) != 3 || lines[0] != "epoch,train_loss,train_acc,dev_loss,dev_acc,seconds" {
		t.Errorf("metrics.csv:\n%s", metrics)
	}

	// eval prints JSON; the dev numbers are those of the last epoch.
	code, stdout, stderr := rnnlab(t, "sentiment", "eval", "--run", run, "--split", "dev")
	if code != 0 {
		t.Fatalf("eval: exit %d\n%s", code, stderr)
	}
	var ev sentiment.EvalResult
	if err := json.Unmarshal([]byte(stdout), &ev); err != nil {
		t.Fatalf("eval printed %q: %v", stdout, err)
	}
	met, _ := sentiment.ReadMetrics(run)
	if ev.N != 8 || ev.Split != "dev" || ev.Weights != "final" || ev.Accuracy != met.DevAcc[1] || math.Abs(ev.Loss-met.DevLoss[1]) > 1e-12 {
		t.Errorf("eval %+v, metrics %v %v", ev, met.DevAcc, met.DevLoss)
	}
	code, stdout, _ = rnnlab(t, "sentiment", "eval", "--run", run, "--split", "test", "--weights", "init", "--engine", "autodiff", "--dtype", "float32")
	if code != 0 || !strings.Contains(stdout, `"split": "test"`) || !strings.Contains(stdout, `"engine": "autodiff/float32"`) {
		t.Errorf("eval of the test split: exit %d, %s", code, stdout)
	}

	// truncate writes the numbers, the figures and a summary.
	code, stdout, stderr = rnnlab(t, "sentiment", "truncate", "--run", run, "--ranks", "0,1,2,8")
	if code != 0 {
		t.Fatalf("truncate: exit %d\n%s", code, stderr)
	}
	for _, want := range []string{"dev split (8 sentences)", "rnn.weight_hh_l1", "hold 90% of ||dW||^2", "all "} {
		if !strings.Contains(stdout, want) {
			t.Errorf("truncate's summary lacks %q:\n%s", want, stdout)
		}
	}
	for _, f := range []string{"truncation.json", "truncation.csv", "dw_spectra.csv", "figures/truncation_accuracy.png",
		"figures/truncation_accuracy.svg", "figures/sv_dw.png", "figures/learning_curve.svg"} {
		if _, err := os.Stat(filepath.Join(run, f)); err != nil {
			t.Errorf("truncate did not write %s", f)
		}
	}
	var tr sentiment.TruncationResult
	b, _ := os.ReadFile(filepath.Join(run, "truncation.json"))
	if err := json.Unmarshal(b, &tr); err != nil {
		t.Fatal(err)
	}
	if len(tr.Groups) != 4 || tr.Full.Accuracy != ev.Accuracy {
		t.Fatalf("truncation.json: %d groups, full %+v, eval %+v", len(tr.Groups), tr.Full, ev)
	}
	for _, g := range tr.Groups {
		if g.DW.Accuracy[3] != tr.Full.Accuracy || math.Abs(g.DW.Loss[3]-tr.Full.Loss) > 1e-9 {
			t.Errorf("%s at full rank: %v %v, trained %v %v", g.Name, g.DW.Accuracy[3], g.DW.Loss[3], tr.Full.Accuracy, tr.Full.Loss)
		}
	}
}

// TestSentimentUsageErrors checks that each bad input gets exit status 2
// and a message naming the problem.
func TestSentimentUsageErrors(t *testing.T) {
	data := writeSentimentData(t)
	tmp := t.TempDir()
	glove := filepath.Join(tmp, "glove.txt")
	os.WriteFile(glove, []byte("good 0.1 0.2 0.3\n"), 0o644)
	notRun := filepath.Join(tmp, "notrun")
	os.Mkdir(notRun, 0o755)
	// A run without data: its directory moved away and no RNNLAB_DATA.
	run := filepath.Join(tmp, "run")
	if code, _, stderr := rnnlab(t, append([]string{"sentiment", "train", "--data", data, "--out", run, "--epochs", "0"}, tinySentiment[:8]...)...); code != 0 {
		t.Fatalf("train: %s", stderr)
	}
	moved := data + ".moved"
	if err := os.Rename(data, moved); err != nil {
		t.Fatal(err)
	}
	t.Setenv(sst.EnvData, "")
	t.Setenv("XDG_CACHE_HOME", filepath.Join(tmp, "cache"))
	t.Setenv("HOME", filepath.Join(tmp, "home"))
	train := func(extra ...string) []string {
		return append(append([]string{"sentiment", "train", "--out", filepath.Join(tmp, "out"), "--data", moved}, tinySentiment...), extra...)
	}
	cases := []struct {
		name string
		args []string
		want string
	}{
		{"missing data dir", []string{"sentiment", "train", "--data", filepath.Join(tmp, "nowhere"), "--out", filepath.Join(tmp, "o")}, sst.DownloadCommand},
		{"no data in the cache", []string{"sentiment", "train", "--out", filepath.Join(tmp, "o")}, sst.DownloadCommand},
		{"eval without data", []string{"sentiment", "eval", "--run", run}, sst.DownloadCommand},
		{"truncate without data", []string{"sentiment", "truncate", "--run", run}, sst.DownloadCommand},
		{"hidden not a number", train("--hidden", "many"), "--hidden"},
		{"unknown flag", train("--colour", "blue"), "unknown flag: --colour"},
		{"dropout", train("--dropout", "1.5"), "dropout = 1.5"},
		{"zero batch", train("--batch", "0"), "batch = 0"},
		{"lr0", train("--lr0", "-1"), "lr0 = -1"},
		{"engine", train("--engine", "magic"), `engine "magic"`},
		{"dtype", train("--dtype", "float16"), `dtype "float16"`},
		{"min freq", train("--min-freq", "0"), "min-freq = 0"},
		{"embeddings width", train("--embeddings", glove), "has 3 numbers, want 6"},
		{"positional argument", []string{"sentiment", "train", "extra"}, "takes no positional arguments"},
		{"preset", train("--preset", "fast"), `preset "fast"`},
		{"eval without run", []string{"sentiment", "eval"}, "--run"},
		{"eval bad split", []string{"sentiment", "eval", "--run", run, "--split", "validation"}, `split "validation"`},
		{"eval not a run", []string{"sentiment", "eval", "--run", notRun}, "config.json"},
		{"eval bad weights", []string{"sentiment", "eval", "--run", run, "--weights", "best"}, `weights "best"`},
		{"truncate bad ranks", []string{"sentiment", "truncate", "--run", run, "--ranks", "4,2"}, "ascending"},
		{"truncate negative rank", []string{"sentiment", "truncate", "--run", run, "--max-rank", "-3"}, "max-rank = -3"},
		{"truncate unknown matrix", []string{"sentiment", "truncate", "--run", run, "--data", moved, "--matrices", "rnn.weight_hh_l7"}, `"rnn.weight_hh_l7" is not a weight matrix`},
		{"truncate bad engine", []string{"sentiment", "truncate", "--run", run, "--engine", "magic"}, `engine "magic"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			code, _, stderr := rnnlab(t, c.args...)
			if code != exitUsage || !strings.Contains(stderr, c.want) {
				t.Errorf("exit %d, stderr %q; want exit %d and %q", code, stderr, exitUsage, c.want)
			}
		})
	}
	if _, err := os.Stat(filepath.Join(tmp, "out", "config.json")); err == nil {
		t.Error("a refused training wrote a run")
	}
}

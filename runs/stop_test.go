package runs

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"math"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/internal/fileio"
	"github.com/rnnlab/rnnlab/trainers"
)

// stopConfig is a small flip-flop training with a stop-loss test every 5
// epochs (that never triggers at stop-loss 1e-12) and snapshots at every
// test.
func stopConfig() Config {
	cfg, _ := DefaultConfig("flipflop")
	cfg.Model.N, cfg.Model.G, cfg.Model.Noise = 16, 0.9, 0.02
	cfg.Epochs, cfg.Batch, cfg.CheckpointEvery = 120, 8, 20
	cfg.StopEvery, cfg.StopLoss, cfg.StopBatch = 5, 1e-12, 64
	return cfg
}

// readStopChecks reads stop.csv.
func readStopChecks(t *testing.T, dir string) (epochs []int, losses []float64) {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, StopFile))
	if err != nil {
		t.Fatal(err)
	}
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	for _, l := range lines[1:] {
		e, x, _ := strings.Cut(l, ",")
		n, _ := strconv.Atoi(e)
		f, _ := strconv.ParseFloat(x, 64)
		epochs, losses = append(epochs, n), append(losses, f)
	}
	return epochs, losses
}

// sameFiles reports the files that differ between two run directories.
func sameFiles(t *testing.T, a, b string, files ...string) {
	t.Helper()
	for _, f := range files {
		x, _ := os.ReadFile(filepath.Join(a, f))
		y, _ := os.ReadFile(filepath.Join(b, f))
		if len(x) == 0 || !bytes.Equal(x, y) {
			t.Errorf("%s differs between %s and %s", f, filepath.Base(a), filepath.Base(b))
		}
	}
}

// TestStopNeverTriggered: a run whose stop-loss test never triggers writes
// the weights, metrics, snapshots and result (but for the wall time) of a
// run without it, byte for byte, and records its tests in stop.csv.
func TestStopNeverTriggered(t *testing.T) {
	with := stopConfig()
	with.SnapshotEvery = 5
	without := with
	without.StopEvery, without.StopLoss, without.StopBatch = 0, 0, 0
	dirs := map[string]string{}
	for name, cfg := range map[string]Config{"with": with, "without": without} {
		dirs[name] = filepath.Join(t.TempDir(), name)
		if _, err := Train(context.Background(), cfg, dirs[name], Options{}); err != nil {
			t.Fatal(err)
		}
	}
	sameFiles(t, dirs["with"], dirs["without"], WeightsInitFile, WeightsFinalFile, MetricsFile, SnapshotsFile)
	a, b := readResult(t, dirs["with"]), readResult(t, dirs["without"])
	a.Seconds, b.Seconds = 0, 0
	if a.Status != Completed || !equalJSON(a, b) {
		t.Errorf("results differ: %+v and %+v", a, b)
	}
	epochs, losses := readStopChecks(t, dirs["with"])
	if want := []int{5, 10, 15}; len(epochs) != 24 || !slices.Equal(epochs[:3], want) {
		t.Errorf("stop.csv epochs %v, want 24 tests every 5 epochs", epochs)
	}
	if !(losses[len(losses)-1] < losses[0]) {
		t.Errorf("test loss %v -> %v did not fall", losses[0], losses[len(losses)-1])
	}
	if _, err := os.Stat(filepath.Join(dirs["without"], StopFile)); !os.IsNotExist(err) {
		t.Error("a run without stop-every writes stop.csv")
	}
}

func equalJSON(a, b any) bool {
	x, _ := json.Marshal(a)
	y, _ := json.Marshal(b)
	return bytes.Equal(x, y)
}

// TestStopAtLoss picks a target from the tests of a run that never stops
// (geometrically halfway between its 6th test and the lowest before it)
// and checks that a run with that target stops at the first tested epoch
// whose loss is below it, with the weights the first run had there
// (its snapshot), status stopped and the epoch recorded; that a run
// interrupted before the stop and resumed stops at the same epoch with the
// same files; and that a stopped run is finished for Resume.
func TestStopAtLoss(t *testing.T) {
	ref := filepath.Join(t.TempDir(), "ref")
	cfg := stopConfig()
	cfg.SnapshotEvery = 5
	if _, err := Train(context.Background(), cfg, ref, Options{}); err != nil {
		t.Fatal(err)
	}
	epochs, losses := readStopChecks(t, ref)
	best := slices.Min(losses[:5])
	if !(losses[5] < best) {
		t.Fatalf("test loss did not fall by the 6th test: %v", losses)
	}
	cfg.StopLoss = math.Sqrt(best * losses[5])
	want := 0
	for i, l := range losses {
		if l < cfg.StopLoss {
			want = epochs[i]
			break
		}
	}
	t.Logf("tests %v: stop-loss %.4g should stop at epoch %d", losses[:8], cfg.StopLoss, want)

	cfg.SnapshotEvery = 0
	dir := filepath.Join(t.TempDir(), "stopped")
	res, err := Train(context.Background(), cfg, dir, Options{})
	if err != nil || res.Status != Stopped || res.StoppedEpoch != want || res.EpochsDone != want || res.StopTestLoss == nil {
		t.Fatalf("run with stop-loss: %+v, %v; want stopped at epoch %d", res, err, want)
	}
	if r := readResult(t, dir); r.Status != Stopped || r.StoppedEpoch != want {
		t.Fatalf("result.json: %+v", r)
	}
	snaps, err := fileio.ReadNPZ(filepath.Join(ref, SnapshotsFile))
	if err != nil {
		t.Fatal(err)
	}
	final, _ := fileio.ReadNPZ(filepath.Join(dir, WeightsFinalFile))
	k := want / 5 // snapshot k is epoch 5k (snapshot 0 is the initial one)
	n := len(final["wrec"].Data)
	if got := final["wrec"].Data; !slices.Equal(got, snaps["wrec"].Data[k*n:(k+1)*n]) {
		t.Error("the stopped run's final wrec is not the reference's at the stop epoch")
	}
	if e, l := readStopChecks(t, dir); !slices.Equal(e, epochs[:k]) || !slices.Equal(l, losses[:k]) {
		t.Errorf("stop.csv of the stopped run %v %v, want the reference's first %d tests", e, l, k)
	}
	if _, err := os.Stat(filepath.Join(dir, CheckpointFile)); !os.IsNotExist(err) {
		t.Error("a stopped run keeps its checkpoint")
	}
	if _, err := Resume(context.Background(), dir, Options{}); err == nil || !strings.Contains(err.Error(), "complete") {
		t.Errorf("resuming a stopped run: %v, want a refusal saying it is complete", err)
	}

	// Interrupted between checkpoints before the stop, then resumed.
	halt := want - 7
	if halt <= cfg.CheckpointEvery {
		t.Fatalf("stop epoch %d leaves no checkpoint before it", want)
	}
	res2 := filepath.Join(t.TempDir(), "resumed")
	ctx, cancel := context.WithCancel(context.Background())
	h := trainers.HookFunc(func(ev trainers.Event) error {
		if ev.Epoch == halt {
			cancel()
		}
		return nil
	})
	if _, err := Train(ctx, cfg, res2, Options{Hooks: []trainers.Hook{h}}); !errors.Is(err, context.Canceled) {
		t.Fatalf("interrupted run: %v", err)
	}
	r, err := Resume(context.Background(), res2, Options{})
	if err != nil || r.Status != Stopped || r.StoppedEpoch != want {
		t.Fatalf("resumed run: %+v, %v; want stopped at epoch %d", r, err, want)
	}
	sameFiles(t, dir, res2, WeightsFinalFile, MetricsFile, StopFile, ConfigFile)
}

// TestStopConfigRefused checks the refusals of bad stop-loss settings.
func TestStopConfigRefused(t *testing.T) {
	cases := []struct {
		edit func(c *Config)
		want string
	}{
		{func(c *Config) { c.StopEvery = -1 }, "stop-every = -1"},
		{func(c *Config) { c.StopLoss = -0.5 }, "stop-loss = -0.5"},
		{func(c *Config) { c.StopLoss = math.NaN() }, "stop-loss = NaN"},
		{func(c *Config) { c.StopBatch = 0 }, "stop-batch = 0"},
		{func(c *Config) { c.StopEvery = 0 }, "without stop-every"},
	}
	for _, c := range cases {
		cfg := stopConfig()
		c.edit(&cfg)
		if err := cfg.Validate(); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("error %v, want one containing %q", err, c.want)
		}
	}
}

package reproduce

import (
	"context"
	"encoding/json"
	"path/filepath"
	"testing"

	"github.com/rnnlab/rnnlab/internal/golden"
)

// TestGoldenClaims runs the tiny preset without the LSTM and compares the
// evidence of claims 1-5 (every number and verdict of the report) and the
// sweeps' and the linear experiment's summaries with the
// golden file made before the model framework of issue 13: the rate RNN's
// and the linear network's numbers must not move.
func TestGoldenClaims(t *testing.T) {
	if !golden.Pin(t) {
		return
	}
	dir := filepath.Join(t.TempDir(), "run")
	rep, err := Run(context.Background(), tinyPreset(t), dir, Options{Jobs: 2, Data: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	got, err := json.MarshalIndent(rep.Claims[:5], "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, filepath.Join("testdata", "golden", "claims_1-5.json"), append(got, '\n'))
	for _, task := range []string{"flipflop", "mante", "romo"} {
		golden.CheckFile(t, filepath.Join("testdata", "golden", "sweep_"+task+"_summary.csv"),
			filepath.Join(SweepDir(dir, task), "summary.csv"))
	}
	golden.CheckFile(t, filepath.Join("testdata", "golden", "linear_summary.csv"),
		filepath.Join(dir, LinearDir, "summary.csv"))
}

package reproduce

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"testing"
)

// TestCompatReproduction runs the tiny preset on a reproduction directory
// written before the model framework of issue 13 (figures and report.html
// left out of the copy): it trains nothing, and the claims it reports are
// those of the golden file.
func TestCompatReproduction(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "reproduction")
	if err := os.CopyFS(dir, os.DirFS(filepath.Join("testdata", "compat", "reproduction"))); err != nil {
		t.Fatal(err)
	}
	rep, err := Run(context.Background(), tinyPreset(t), dir, Options{Jobs: 1, Data: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range rep.Stages {
		if s.Trained != 0 {
			t.Errorf("stage %s trained %d on a finished old reproduction", s.Name, s.Trained)
		}
	}
	got, _ := json.MarshalIndent(rep.Claims[:5], "", "  ")
	want, err := os.ReadFile(filepath.Join("testdata", "golden", "claims_1-5.json"))
	if err != nil {
		t.Fatal(err)
	}
	if string(append(got, '\n')) != string(want) {
		t.Error("the old reproduction's claims differ from the golden file's")
	}
}

package reproduce

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// SetSeed reaches every experiment, the seed is recorded in the state, and
// a directory of one seed is not resumed with another.
func TestSeed(t *testing.T) {
	p, err := NewPreset("quick")
	if err != nil {
		t.Fatal(err)
	}
	if p.Seed != DefaultSeed {
		t.Errorf("default seed %d, want %d", p.Seed, DefaultSeed)
	}
	p.SetSeed(7)
	for task, s := range p.Sweeps {
		if s.Train.Seed != 7 {
			t.Errorf("sweep %s seed %d", task, s.Train.Seed)
		}
	}
	if p.Linear.Train.Seed != 7 || p.Sentiment.Seed != 7 {
		t.Errorf("linear seed %d, sentiment seed %d", p.Linear.Train.Seed, p.Sentiment.Seed)
	}

	dir := filepath.Join(t.TempDir(), "r")
	if _, err := openState(dir, "quick", 7); err != nil {
		t.Fatal(err)
	}
	b, err := os.ReadFile(filepath.Join(dir, StateFile))
	if err != nil {
		t.Fatal(err)
	}
	var st state
	if err := json.Unmarshal(b, &st); err != nil || st.Seed == nil || *st.Seed != 7 {
		t.Fatalf("state %s: %v", b, err)
	}
	if _, err := openState(dir, "quick", 7); err != nil {
		t.Errorf("same seed refused: %v", err)
	}
	p.SetSeed(8)
	_, err = Run(context.Background(), p, dir, Options{Jobs: 1})
	if err == nil || !strings.Contains(err.Error(), "seed 7, not 8") {
		t.Errorf("another seed: %v", err)
	}
	// A directory written before --seed existed holds seed 1.
	old := t.TempDir()
	if err := os.WriteFile(filepath.Join(old, StateFile), []byte(`{"preset": "quick"}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if _, err := openState(old, "quick", 2); err == nil || !strings.Contains(err.Error(), "seed 1, not 2") {
		t.Errorf("old directory with seed 2: %v", err)
	}
	if r, err := Load(old); err != nil || r.Seed != 1 {
		t.Errorf("old directory: seed %v, %v", r, err)
	}
}

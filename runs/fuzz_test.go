package runs

import (
	"github.com/rnnlab/rnnlab/internal/fileio"
	"os"
	"path/filepath"
	"testing"
)

// FuzzLoadConfig feeds arbitrary bytes as a run's config.json: Load
// returns a valid configuration or an error, and never panics.
func FuzzLoadConfig(f *testing.F) {
	cfg, _ := DefaultConfig("flipflop")
	cfg.Resolve()
	dir := f.TempDir()
	if err := fileio.WriteJSON(filepath.Join(dir, ConfigFile), cfg); err != nil {
		f.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, ConfigFile))
	f.Add(b)
	f.Add([]byte(`{"task":"romo","model":{"n":-1}}`))
	f.Add([]byte(`{"task":"flipflop","task_params":{"t_max":1e308}}`))
	f.Fuzz(func(t *testing.T, data []byte) {
		d := t.TempDir()
		if err := os.WriteFile(filepath.Join(d, ConfigFile), data, 0o644); err != nil {
			t.Fatal(err)
		}
		r, err := Load(d)
		if err != nil {
			return
		}
		if err := r.Config.Validate(); err != nil {
			t.Fatalf("Load accepted an invalid configuration: %v", err)
		}
	})
}

package sentiment

import (
	"bytes"
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/internal/fblas"
	"github.com/rnnlab/rnnlab/trainers"
)

// TestResumeKernelWarning: config.json and checkpoints record the gemm
// kernel; resuming a checkpoint another kernel made warns, naming both.
func TestResumeKernelWarning(t *testing.T) {
	data := writeTinySST(t, 12)
	cfg := tinyConfig(data)
	dir := filepath.Join(t.TempDir(), "run")
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if _, err := Train(ctx, cfg, dir, Options{Hooks: []trainers.Hook{stopAt(4, cancel)}}); !errors.Is(err, context.Canceled) {
		t.Fatal(err)
	}
	want := `"gemm_kernel": "` + fblas.Kernel() + `"`
	for _, f := range []string{ConfigFile, CheckpointFile} {
		if b, _ := os.ReadFile(filepath.Join(dir, f)); !bytes.Contains(b, []byte(want)) {
			t.Errorf("%s lacks %s: %s", f, want, b)
		}
	}
	ck := filepath.Join(dir, CheckpointFile)
	b, _ := os.ReadFile(ck)
	os.WriteFile(ck, bytes.Replace(b, []byte(want), []byte(`"gemm_kernel": "otherkernel"`), 1), 0o644)
	var warn bytes.Buffer
	if _, err := Resume(context.Background(), dir, Options{Warn: &warn}); err != nil {
		t.Fatal(err)
	}
	if got := warn.String(); !strings.Contains(got, "otherkernel") || !strings.Contains(got, fblas.Kernel()) {
		t.Errorf("warning %q", got)
	}
}

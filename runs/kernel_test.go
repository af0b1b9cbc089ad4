package runs

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
// kernel; resuming a checkpoint made with another kernel warns, naming
// both, and resuming with the same one does not.
func TestResumeKernelWarning(t *testing.T) {
	cfg, _ := DefaultConfig("romo")
	cfg.Model.N, cfg.Epochs, cfg.Batch, cfg.CheckpointEvery = 8, 6, 2, 2
	for _, recorded := range []string{fblas.Kernel(), "otherkernel"} {
		dir := filepath.Join(t.TempDir(), "run")
		ctx, cancel := context.WithCancel(context.Background())
		stop := trainers.HookFunc(func(ev trainers.Event) error {
			if ev.Epoch == 3 {
				cancel()
			}
			return nil
		})
		if _, err := Train(ctx, cfg, dir, Options{Hooks: []trainers.Hook{stop}}); !errors.Is(err, context.Canceled) {
			t.Fatalf("interrupted run: %v", err)
		}
		r, err := Load(dir)
		if err != nil || r.Config.GemmKernel != fblas.Kernel() {
			t.Fatalf("config.json records kernel %q (%v), want %q", r.Config.GemmKernel, err, fblas.Kernel())
		}
		ck := filepath.Join(dir, CheckpointFile)
		b, err := os.ReadFile(ck)
		want := `"gemm_kernel": "` + fblas.Kernel() + `"`
		if err != nil || !bytes.Contains(b, []byte(want)) {
			t.Fatalf("checkpoint.json lacks %s: %s", want, b)
		}
		os.WriteFile(ck, bytes.Replace(b, []byte(want), []byte(`"gemm_kernel": "`+recorded+`"`), 1), 0o644)
		var warn bytes.Buffer
		if _, err := Resume(context.Background(), dir, Options{Warn: &warn}); err != nil {
			t.Fatal(err)
		}
		got := warn.String()
		if recorded == fblas.Kernel() && got != "" {
			t.Errorf("same kernel: warned %q", got)
		}
		if recorded != fblas.Kernel() && (!strings.Contains(got, recorded) || !strings.Contains(got, fblas.Kernel())) {
			t.Errorf("kernel %s recorded, %s in use: warning %q", recorded, fblas.Kernel(), got)
		}
	}
}

package sweep

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/rnnlab/rnnlab/internal/fblas"
)

// TestJoinKernelWarning: cell.json records the gemm kernel, and running a
// sweep whose finished cells another kernel computed warns, naming both.
func TestJoinKernelWarning(t *testing.T) {
	spec := tinySpec(t)
	spec.G, spec.Samples = []float64{0.9}, 2
	dir := t.TempDir()
	var warn bytes.Buffer
	if _, err := Run(context.Background(), spec, dir, Options{Jobs: 1, Warn: &warn}); err != nil {
		t.Fatal(err)
	}
	if warn.Len() != 0 {
		t.Errorf("a fresh sweep warned %q", warn.String())
	}
	f := filepath.Join(dir, CellsDir, "g00_s0", CellFile)
	b, err := os.ReadFile(f)
	want := `"gemm_kernel": "` + fblas.Kernel() + `"`
	if err != nil || !bytes.Contains(b, []byte(want)) {
		t.Fatalf("cell.json lacks %s: %s", want, b)
	}
	os.WriteFile(f, bytes.Replace(b, []byte(want), []byte(`"gemm_kernel": "otherkernel"`), 1), 0o644)
	os.RemoveAll(filepath.Join(dir, CellsDir, "g00_s1")) // one cell left to do
	if n, err := Run(context.Background(), spec, dir, Options{Jobs: 1, Warn: &warn}); err != nil || n != 1 {
		t.Fatalf("joined: %d cells, %v", n, err)
	}
	if got := warn.String(); !strings.Contains(got, "otherkernel") || !strings.Contains(got, fblas.Kernel()) || strings.Count(got, "\n") != 1 {
		t.Errorf("warning %q", got)
	}
}

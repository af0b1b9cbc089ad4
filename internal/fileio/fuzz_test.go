package fileio

import (
	"os"
	"path/filepath"
	"testing"
)

// FuzzReadNPZ feeds arbitrary bytes to ReadNPZ: it returns arrays whose
// data match their shapes, or an error, and never panics.
func FuzzReadNPZ(f *testing.F) {
	dir := f.TempDir()
	good := filepath.Join(dir, "good.npz")
	if err := WriteNPZ(good, map[string]Array{"a": NewArray([]float64{1, 2, 3, 4, 5, 6}, 2, 3)}); err != nil {
		f.Fatal(err)
	}
	b, _ := os.ReadFile(good)
	f.Add(b)
	f.Add([]byte("PK\x03\x04"))
	f.Add([]byte{})
	f.Fuzz(func(t *testing.T, data []byte) {
		path := filepath.Join(t.TempDir(), "x.npz")
		if err := os.WriteFile(path, data, 0o644); err != nil {
			t.Fatal(err)
		}
		arrays, err := ReadNPZ(path)
		if err != nil {
			return
		}
		for name, a := range arrays {
			if size(a.Shape) != len(a.Data) {
				t.Fatalf("array %s: %d values for shape %v", name, len(a.Data), a.Shape)
			}
		}
	})
}

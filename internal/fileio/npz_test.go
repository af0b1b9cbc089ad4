package fileio

import (
	"archive/zip"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"codeberg.org/sbinet/npyio/npz"
)

func TestNPZRoundTrip(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "w.npz")
	in := map[string]Array{
		"vec":   NewArray([]float64{1, -2.5, 3}, 3),
		"mat":   NewArray([]float64{1, 2, 3, 4, 5, 6}, 2, 3),
		"cube":  NewArray([]float64{0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, 2, 3, 2),
		"empty": NewArray([]float64{}, 0, 4),
	}
	if err := WriteNPZ(path, in); err != nil {
		t.Fatal(err)
	}
	out, err := ReadNPZ(path)
	if err != nil {
		t.Fatal(err)
	}
	for k, a := range in {
		b, ok := out[k]
		if !ok {
			t.Fatalf("array %s missing after round trip", k)
		}
		if !reflect.DeepEqual(a.Shape, b.Shape) || len(a.Data) != len(b.Data) {
			t.Errorf("%s: shape %v -> %v", k, a.Shape, b.Shape)
		}
		for i := range a.Data {
			if a.Data[i] != b.Data[i] {
				t.Errorf("%s[%d]: %v -> %v", k, i, a.Data[i], b.Data[i])
			}
		}
	}
	// No temporary files are left beside the archive.
	ents, _ := os.ReadDir(dir)
	if len(ents) != 1 {
		t.Errorf("directory holds %d entries, want 1", len(ents))
	}
}

// TestReadNPZFloat32 reads an archive written by another library in float32.
func TestReadNPZFloat32(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f32.npz")
	if err := npz.Write(path, map[string]any{"x": []float32{1.5, -2, 0.25}}); err != nil {
		t.Fatal(err)
	}
	out, err := ReadNPZ(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := out["x"].Data; !reflect.DeepEqual(got, []float64{1.5, -2, 0.25}) {
		t.Errorf("float32 array read as %v", got)
	}
}

// TestReadNPZFortran reads a column-major 2 x 3 array.
func TestReadNPZFortran(t *testing.T) {
	path := filepath.Join(t.TempDir(), "f.npz")
	f, _ := os.Create(path)
	zw := zip.NewWriter(f)
	w, _ := zw.Create("m.npy")
	// Column-major storage of [[1 2 3] [4 5 6]] is 1 4 2 5 3 6.
	var sb strings.Builder
	if err := writeNPY(&sb, NewArray([]float64{1, 4, 2, 5, 3, 6}, 2, 3)); err != nil {
		t.Fatal(err)
	}
	// Same header length: "True" is one byte shorter than "False", so one
	// more padding space goes before the newline that ends the header.
	hdr := strings.Replace(sb.String(), "False", "True", 1)
	nl := strings.Index(hdr, "\n")
	w.Write([]byte(hdr[:nl] + " " + hdr[nl:]))
	zw.Close()
	f.Close()
	out, err := ReadNPZ(path)
	if err != nil {
		t.Fatal(err)
	}
	if got := out["m"].Data; !reflect.DeepEqual(got, []float64{1, 2, 3, 4, 5, 6}) {
		t.Errorf("Fortran array read as %v", got)
	}
}

// TestReadNPZIntegersAndBools (issue 12, item 14): integer and boolean
// arrays (a mask saved as numpy bool or int) are converted to float64, one
// and two-byte ones included.
func TestReadNPZIntegersAndBools(t *testing.T) {
	path := filepath.Join(t.TempDir(), "ints.npz")
	in := map[string]any{
		"b":   []bool{true, false, true},
		"i8":  []int8{-1, 0, 1},
		"u8":  []uint8{0, 1, 255},
		"i16": []int16{-300, 0, 7},
		"u16": []uint16{0, 1, 65535},
		"i32": []int32{-5, 0, 5},
		"u32": []uint32{0, 1, 4000000000},
		"i64": []int64{-(1 << 53), 0, 1 << 53},
		"u64": []uint64{0, 1, 1 << 53},
	}
	if err := npz.Write(path, in); err != nil {
		t.Fatal(err)
	}
	out, err := ReadNPZ(path)
	if err != nil {
		t.Fatal(err)
	}
	want := map[string][]float64{
		"b": {1, 0, 1}, "i8": {-1, 0, 1}, "u8": {0, 1, 255}, "i16": {-300, 0, 7}, "u16": {0, 1, 65535},
		"i32": {-5, 0, 5}, "u32": {0, 1, 4000000000}, "i64": {-(1 << 53), 0, 1 << 53}, "u64": {0, 1, 1 << 53},
	}
	for k, w := range want {
		if got := out[k]; !reflect.DeepEqual(got.Data, w) || !reflect.DeepEqual(got.Shape, []int{3}) {
			t.Errorf("%s read as %v %v, want %v", k, got.Shape, got.Data, w)
		}
	}
}

func TestReadNPZErrors(t *testing.T) {
	dir := t.TempDir()
	if _, err := ReadNPZ(filepath.Join(dir, "missing.npz")); err == nil {
		t.Error("missing file: no error")
	}
	bad := filepath.Join(dir, "bad.npz")
	os.WriteFile(bad, []byte("not a zip"), 0o644)
	if _, err := ReadNPZ(bad); err == nil {
		t.Error("corrupt file: no error")
	}
	cplx := filepath.Join(dir, "complex.npz")
	if err := npz.Write(cplx, map[string]any{"c": []complex128{1, 2}}); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadNPZ(cplx); err == nil || !strings.Contains(err.Error(), "dtype") {
		t.Errorf("complex array: error %v, want one naming the dtype", err)
	}
	big := filepath.Join(dir, "big.npz")
	if err := npz.Write(big, map[string]any{"i": []int64{1 << 60}}); err != nil {
		t.Fatal(err)
	}
	if _, err := ReadNPZ(big); err == nil || !strings.Contains(err.Error(), "exactly") {
		t.Errorf("int64 beyond 2^53: error %v, want one saying it has no exact float64", err)
	}
}

func TestWriteAtomicKeepsOldOnFailure(t *testing.T) {
	path := filepath.Join(t.TempDir(), "x.json")
	if err := WriteJSON(path, map[string]int{"a": 1}); err != nil {
		t.Fatal(err)
	}
	err := WriteAtomic(path, func(f *os.File) error {
		f.WriteString("partial")
		return os.ErrInvalid
	})
	if err == nil {
		t.Fatal("failing writer: no error")
	}
	b, _ := os.ReadFile(path)
	if !strings.Contains(string(b), `"a": 1`) {
		t.Errorf("old content lost: %q", b)
	}
}

// TestReadNPZHugeShape reads an archive whose header declares far more
// entries than it holds: an error, not an attempt to allocate them.
func TestReadNPZHugeShape(t *testing.T) {
	path := filepath.Join(t.TempDir(), "huge.npz")
	f, _ := os.Create(path)
	zw := zip.NewWriter(f)
	w, _ := zw.Create("x.npy")
	writeNPYHeader(w, []int{999999999999})
	w.Write(make([]byte, 16))
	w2, _ := zw.Create("y.npy") // a header whose length field lies
	w2.Write([]byte("\x93NUMPY\x01\x00\xff\xff{'descr'"))
	zw.Close()
	f.Close()
	if _, err := ReadNPZ(path); err == nil || !strings.Contains(err.Error(), "more than") && !strings.Contains(err.Error(), "invalid shape") {
		t.Errorf("huge declared shape: error %v", err)
	}
}

package trialfile

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"math"
	"os"
	"slices"
	"sort"
	"strings"

	"github.com/rnnlab/rnnlab/datasets"
	"github.com/rnnlab/rnnlab/internal/fileio"
)

// Array names of a trial file.
const (
	InputArray  = "input"
	TargetArray = "target"
	MaskArray   = "mask"
	DtArray     = "dt"
)

// File is a trial file read into memory and checked.
type File struct {
	// Path is the file's path as given to Read.
	Path string
	// SHA256 is the hex SHA-256 of the file's bytes.
	SHA256 string
	// K trials of T steps, Din inputs and Dout outputs.
	K, T, Din, Dout int
	// Dt is the file's time step, 0 if it has none.
	Dt float64
	// Input, Target and Mask are flat row-major [K, T, Din] and [K, T, Dout].
	Input, Target, Mask []float64
}

// Read reads and checks the trial file at path. The error names the file,
// the array and what is wrong with it.
func Read(path string) (*File, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("trial file: %w", err)
	}
	sum := sha256.Sum256(raw)
	arrays, err := fileio.ReadNPZ(path)
	if err != nil {
		return nil, fmt.Errorf("trial file: %w", err)
	}
	f, err := fromArrays(arrays)
	if err != nil {
		return nil, fmt.Errorf("trial file %s: %w", path, err)
	}
	f.Path, f.SHA256 = path, hex.EncodeToString(sum[:])
	return f, nil
}

// Hash returns the hex SHA-256 of the file at path, to compare with a
// recorded File.SHA256 without reading the arrays.
func Hash(path string) (string, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return "", fmt.Errorf("trial file: %w", err)
	}
	sum := sha256.Sum256(raw)
	return hex.EncodeToString(sum[:]), nil
}

// fromArrays checks the arrays of a trial file and gathers them in a File.
func fromArrays(arrays map[string]fileio.Array) (*File, error) {
	allowed := []string{InputArray, TargetArray, MaskArray, DtArray}
	var extra []string
	for name := range arrays {
		if !slices.Contains(allowed, name) {
			extra = append(extra, name)
		}
	}
	if len(extra) > 0 {
		sort.Strings(extra)
		return nil, fmt.Errorf("unexpected array %q: a trial file holds input [K, T, Din], target and mask [K, T, Dout] and optionally a scalar dt", extra[0])
	}
	get := func(name string) (fileio.Array, error) {
		a, ok := arrays[name]
		if !ok {
			return a, fmt.Errorf("array %q is missing: a trial file holds input [K, T, Din], target and mask [K, T, Dout]", name)
		}
		if len(a.Shape) != 3 {
			return a, fmt.Errorf("array %q has shape %v: want three dimensions [K, T, D] (batch-major: trials, steps, channels)", name, a.Shape)
		}
		return a, nil
	}
	in, err := get(InputArray)
	if err != nil {
		return nil, err
	}
	tg, err := get(TargetArray)
	if err != nil {
		return nil, err
	}
	mk, err := get(MaskArray)
	if err != nil {
		return nil, err
	}
	K, T, din, dout := in.Shape[0], in.Shape[1], in.Shape[2], tg.Shape[2]
	switch {
	case K < 1:
		return nil, fmt.Errorf("array %q has shape %v: K = %d trials, need K >= 1", InputArray, in.Shape, K)
	case T < 1:
		return nil, fmt.Errorf("array %q has shape %v: T = %d steps, need T >= 1", InputArray, in.Shape, T)
	case tg.Shape[0] != K || tg.Shape[1] != T:
		return nil, fmt.Errorf("array %q has shape %v: want [K, T, Dout] with K = %d, T = %d as in input %v", TargetArray, tg.Shape, K, T, in.Shape)
	case dout < 1:
		return nil, fmt.Errorf("array %q has shape %v: Dout = %d, need Dout >= 1", TargetArray, tg.Shape, dout)
	case !slices.Equal(mk.Shape, tg.Shape):
		return nil, fmt.Errorf("array %q has shape %v: want the shape of target %v", MaskArray, mk.Shape, tg.Shape)
	}
	f := &File{K: K, T: T, Din: din, Dout: dout, Input: in.Data, Target: tg.Data, Mask: mk.Data}
	for _, c := range []struct {
		name string
		x    []float64
		d    int
	}{{InputArray, f.Input, din}, {TargetArray, f.Target, dout}, {MaskArray, f.Mask, dout}} {
		if i := firstNonFinite(c.x); i >= 0 {
			return nil, fmt.Errorf("array %q: entry %s is %v: values must be finite", c.name, index(i, T, c.d), c.x[i])
		}
	}
	for i, m := range f.Mask {
		if m < 0 {
			return nil, fmt.Errorf("array %q: entry %s is %v: mask values must be >= 0", MaskArray, index(i, T, dout), m)
		}
	}
	n := T * dout
	for k := range K {
		if !slices.ContainsFunc(f.Mask[k*n:(k+1)*n], func(m float64) bool { return m != 0 }) {
			return nil, fmt.Errorf("array %q: trial %d is all zero: every trial needs a nonzero mask entry (its loss would be 0/0 in a batch of its own)", MaskArray, k)
		}
	}
	if a, ok := arrays[DtArray]; ok {
		if len(a.Data) != 1 || len(a.Shape) > 1 {
			return nil, fmt.Errorf("array %q has shape %v: want a scalar (shape ())", DtArray, a.Shape)
		}
		if dt := a.Data[0]; !(dt > 0) || math.IsInf(dt, 0) {
			return nil, fmt.Errorf("array %q = %v: must be finite and > 0", DtArray, dt)
		}
		f.Dt = a.Data[0]
	}
	return f, nil
}

// firstNonFinite returns the index of the first NaN or infinite entry of
// x, or -1.
func firstNonFinite(x []float64) int {
	for i, v := range x {
		if math.IsNaN(v) || math.IsInf(v, 0) {
			return i
		}
	}
	return -1
}

// index formats flat index i of a [K, T, d] array as [k, t, i].
func index(i, T, d int) string {
	if d == 0 {
		return fmt.Sprint(i)
	}
	return fmt.Sprintf("[%d, %d, %d]", i/(T*d), i/d%T, i%d)
}

// CheckDt reports a file whose dt differs from the model's dt.
func (f *File) CheckDt(dt float64) error {
	if f.Dt != 0 && f.Dt != dt {
		return fmt.Errorf("trial file %s: dt = %v differs from the model's dt = %v: set --dt %v or write the file for dt %v", f.Path, f.Dt, dt, f.Dt, dt)
	}
	return nil
}

// Trials returns trials idx of f as a batch (copies of the data).
func (f *File) Trials(idx []int) *datasets.Batch {
	b := datasets.NewBatch(len(idx), f.T, f.Din, f.Dout)
	ni, no := f.T*f.Din, f.T*f.Dout
	for j, k := range idx {
		copy(b.Input[j*ni:(j+1)*ni], f.Input[k*ni:(k+1)*ni])
		copy(b.Target[j*no:(j+1)*no], f.Target[k*no:(k+1)*no])
		copy(b.Mask[j*no:(j+1)*no], f.Mask[k*no:(k+1)*no])
	}
	return b
}

// Write writes the trials of b to a trial file at path, atomically, as
// float64; dt > 0 is recorded as the scalar dt, dt = 0 records none. The
// trials must pass the checks of Read (so that the file reads back); the
// noise sample, if any, is not written.
func Write(path string, b *datasets.Batch, dt float64) error {
	if b.B < 1 || b.T < 1 || b.Din < 0 || b.Dout < 1 {
		return fmt.Errorf("trial file %s: batch sizes B=%d T=%d Din=%d Dout=%d: need B>=1, T>=1, Din>=0, Dout>=1", path, b.B, b.T, b.Din, b.Dout)
	}
	if !(dt >= 0) || math.IsInf(dt, 0) {
		return fmt.Errorf("trial file %s: dt = %v: must be finite and >= 0 (0 records none)", path, dt)
	}
	shapes := map[string][]int{InputArray: {b.B, b.T, b.Din}, TargetArray: {b.B, b.T, b.Dout}, MaskArray: {b.B, b.T, b.Dout}}
	data := map[string][]float64{InputArray: b.Input, TargetArray: b.Target, MaskArray: b.Mask}
	arrays := map[string]fileio.Array{}
	for name, shape := range shapes {
		if n := shape[0] * shape[1] * shape[2]; len(data[name]) != n {
			return fmt.Errorf("trial file %s: %s has %d entries, want %d for shape %v", path, name, len(data[name]), n, shape)
		}
		arrays[name] = fileio.NewArray(data[name], shape...)
	}
	if dt > 0 {
		arrays[DtArray] = fileio.NewArray([]float64{dt})
	}
	if _, err := fromArrays(arrays); err != nil {
		return fmt.Errorf("trial file %s: %w", path, err)
	}
	return fileio.WriteNPZ(path, arrays)
}

// describe returns "K trials of T steps, Din inputs, Dout outputs".
func (f *File) describe() string {
	var s strings.Builder
	fmt.Fprintf(&s, "%d trials of %d steps, %d inputs, %d outputs", f.K, f.T, f.Din, f.Dout)
	if f.Dt != 0 {
		fmt.Fprintf(&s, ", dt %v", f.Dt)
	}
	return s.String()
}

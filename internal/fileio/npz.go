package fileio

import (
	"archive/zip"
	"bytes"
	"encoding/binary"
	"fmt"
	"io"
	"math"
	"os"
	"slices"
	"strings"

	"codeberg.org/sbinet/npyio/npz"
)

// Array is an n-dimensional float64 array in row-major (C) order.
type Array struct {
	Shape []int
	Data  []float64
}

// NewArray returns an Array holding data with the given shape. It panics if
// the sizes disagree.
func NewArray(data []float64, shape ...int) Array {
	if n := size(shape); n != len(data) {
		panic(fmt.Sprintf("fileio: %d values for shape %v", len(data), shape))
	}
	return Array{Shape: shape, Data: data}
}

func size(shape []int) int {
	n := 1
	for _, d := range shape {
		n *= d
	}
	return n
}

// WriteNPZ writes the arrays to an uncompressed .npz archive at path,
// atomically, in the order of names (all keys of arrays, sorted, when
// names is nil). Arrays are stored as little-endian float64 ("<f8") in C
// order with their full shape, as numpy.savez does.
func WriteNPZ(path string, arrays map[string]Array) error {
	names := make([]string, 0, len(arrays))
	for k := range arrays {
		names = append(names, k)
	}
	slices.Sort(names)
	return WriteAtomic(path, func(f *os.File) error {
		zw := zip.NewWriter(f)
		for _, name := range names {
			w, err := zw.CreateHeader(&zip.FileHeader{Name: name + ".npy", Method: zip.Store})
			if err != nil {
				return err
			}
			if err := writeNPY(w, arrays[name]); err != nil {
				return fmt.Errorf("array %s: %w", name, err)
			}
		}
		return zw.Close()
	})
}

// writeNPY writes a in NumPy's .npy format, version 1.0. (npyio writes
// only one- and two-dimensional arrays, the data sets need three.)
func writeNPY(w io.Writer, a Array) error {
	if size(a.Shape) != len(a.Data) {
		return fmt.Errorf("%d values for shape %v", len(a.Data), a.Shape)
	}
	if err := writeNPYHeader(w, a.Shape); err != nil {
		return err
	}
	b := make([]byte, 8*len(a.Data))
	for i, v := range a.Data {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(v))
	}
	_, err := w.Write(b)
	return err
}

// writeNPYHeader writes the .npy header of a little-endian float64 array of
// the given shape in C order.
func writeNPYHeader(w io.Writer, shape []int) error {
	dims := make([]string, len(shape))
	for i, d := range shape {
		dims[i] = fmt.Sprint(d)
	}
	sh := strings.Join(dims, ", ")
	if len(shape) == 1 {
		sh += ","
	}
	header := fmt.Sprintf("{'descr': '<f8', 'fortran_order': False, 'shape': (%s), }", sh)
	// Magic (6) + version (2) + header length (2) + header + '\n' is a
	// multiple of 64.
	pad := 64 - (10+len(header)+1)%64
	if pad == 64 {
		pad = 0
	}
	header += strings.Repeat(" ", pad) + "\n"
	var buf bytes.Buffer
	buf.WriteString("\x93NUMPY\x01\x00")
	binary.Write(&buf, binary.LittleEndian, uint16(len(header)))
	buf.WriteString(header)
	_, err := w.Write(buf.Bytes())
	return err
}

// ReadNPZ reads every array of the .npz archive at path, in C or Fortran
// order, as float64: float32 is widened, and integer and bool arrays (a
// mask saved as numpy bool or int) are converted, bool as 0 and 1;
// integers beyond 2^53 in magnitude, which float64 cannot hold exactly,
// are an error. Other element types are an error naming the array.
func ReadNPZ(path string) (out map[string]Array, err error) {
	// npyio panics on some malformed headers: report those as errors.
	defer func() {
		if r := recover(); r != nil {
			out, err = nil, fmt.Errorf("read %s: malformed .npy data: %v", path, r)
		}
	}()
	// The sizes of the archive's entries bound what a header may declare,
	// so that a corrupt or hostile shape cannot ask for gigabytes.
	entrySize := map[string]uint64{}
	if zr, err := zip.OpenReader(path); err == nil {
		for _, f := range zr.File {
			entrySize[f.Name] = f.UncompressedSize64
		}
		zr.Close()
	}
	r, err := npz.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer r.Close()
	out = make(map[string]Array)
	for _, key := range r.Keys() {
		name := strings.TrimSuffix(key, ".npy")
		h := r.Header(key)
		if h == nil {
			return nil, fmt.Errorf("read %s: array %s: no header", path, name)
		}
		shape := append([]int(nil), h.Descr.Shape...)
		n, ok := checkedSize(shape)
		if !ok {
			return nil, fmt.Errorf("read %s: array %s has an invalid shape %v", path, name, shape)
		}
		kind := strings.TrimLeft(strings.Trim(h.Descr.Type, `'"`), "<|=")
		esz, ok := elemSize[kind]
		if !ok {
			return nil, fmt.Errorf("read %s: array %s has dtype %s: want a float, integer or bool type (little-endian)", path, name, h.Descr.Type)
		}
		if es, known := entrySize[key]; known && uint64(n)*esz > es {
			return nil, fmt.Errorf("read %s: array %s declares shape %v, more than its %d bytes hold", path, name, shape, es)
		}
		data, err := readAs(r, key, kind)
		if err != nil {
			return nil, fmt.Errorf("read %s: array %s: %w", path, name, err)
		}
		if len(data) != size(shape) {
			return nil, fmt.Errorf("read %s: array %s: %d values for shape %v", path, name, len(data), shape)
		}
		if h.Descr.Fortran && len(shape) > 1 {
			data = fromFortran(data, shape)
		}
		out[name] = Array{Shape: shape, Data: data}
	}
	return out, nil
}

// checkedSize returns the number of entries of shape, refusing negative
// dimensions and products beyond 2^40.
func checkedSize(shape []int) (int, bool) {
	n := 1
	for _, d := range shape {
		if d < 0 || d > 1<<40 {
			return 0, false
		}
		if d > 0 && n > (1<<40)/d {
			return 0, false
		}
		n *= d
	}
	return n, true
}

// fromFortran reorders column-major data to row-major.
func fromFortran(data []float64, shape []int) []float64 {
	out := make([]float64, len(data))
	idx := make([]int, len(shape))
	for i := range data {
		// i is the row-major index of idx; compute its column-major index.
		c, stride := 0, 1
		for d := range shape {
			c += idx[d] * stride
			stride *= shape[d]
		}
		out[i] = data[c]
		for d := len(shape) - 1; d >= 0; d-- {
			idx[d]++
			if idx[d] < shape[d] {
				break
			}
			idx[d] = 0
		}
	}
	return out
}

// elemSize is the size in bytes of each element type ReadNPZ converts,
// by its numpy type code without the byte-order mark.
var elemSize = map[string]uint64{
	"f8": 8, "f4": 4, "float64": 8, "float32": 4,
	"i1": 1, "i2": 2, "i4": 4, "i8": 8,
	"u1": 1, "u2": 2, "u4": 4, "u8": 8,
	"b1": 1, "?": 1,
}

// readAs reads the array key of element type kind as float64.
func readAs(r *npz.Reader, key, kind string) ([]float64, error) {
	switch kind {
	case "f8", "float64":
		var d []float64
		err := r.Read(key, &d)
		return d, err
	case "f4", "float32":
		var d []float32
		if err := r.Read(key, &d); err != nil {
			return nil, err
		}
		out := make([]float64, len(d))
		for i, v := range d {
			out[i] = float64(v)
		}
		return out, nil
	case "i1":
		return widen[int8](r, key)
	case "i2":
		return widen[int16](r, key)
	case "i4":
		return widen[int32](r, key)
	case "i8":
		return widen[int64](r, key)
	case "u1":
		return widen[uint8](r, key)
	case "u2":
		return widen[uint16](r, key)
	case "u4":
		return widen[uint32](r, key)
	case "u8":
		return widen[uint64](r, key)
	case "b1", "?":
		var d []bool
		if err := r.Read(key, &d); err != nil {
			return nil, err
		}
		out := make([]float64, len(d))
		for i, v := range d {
			if v {
				out[i] = 1
			}
		}
		return out, nil
	}
	return nil, fmt.Errorf("dtype %s is not supported", kind)
}

// widen reads an integer array of element type T and converts it to
// float64, refusing values that float64 does not hold exactly.
func widen[T int8 | int16 | int32 | int64 | uint8 | uint16 | uint32 | uint64](r *npz.Reader, key string) ([]float64, error) {
	var d []T
	if err := r.Read(key, &d); err != nil {
		return nil, err
	}
	out := make([]float64, len(d))
	for i, v := range d {
		f := float64(v)
		if T(f) != v || math.Abs(f) > 1<<53 {
			return nil, fmt.Errorf("entry %d = %v has no exactly equal float64 (integers must be within 2^53)", i, v)
		}
		out[i] = f
	}
	return out, nil
}

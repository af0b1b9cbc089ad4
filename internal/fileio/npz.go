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

// ReadNPZ reads every array of the .npz archive at path. float64 and
// float32 arrays are accepted (float32 is widened), in C or Fortran order;
// other element types are an error naming the array.
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
		if es, known := entrySize[key]; known && uint64(n)*4 > es {
			return nil, fmt.Errorf("read %s: array %s declares shape %v, more than its %d bytes hold", path, name, shape, es)
		}
		var data []float64
		switch strings.Trim(h.Descr.Type, `'"`) {
		case "<f8", "f8", "float64":
			err = r.Read(key, &data)
		case "<f4", "f4", "float32":
			var d32 []float32
			err = r.Read(key, &d32)
			data = make([]float64, len(d32))
			for i, v := range d32 {
				data[i] = float64(v)
			}
		default:
			return nil, fmt.Errorf("read %s: array %s has dtype %s: want float64 or float32", path, name, h.Descr.Type)
		}
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

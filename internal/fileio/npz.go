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
	dims := make([]string, len(a.Shape))
	for i, d := range a.Shape {
		dims[i] = fmt.Sprint(d)
	}
	shape := strings.Join(dims, ", ")
	if len(a.Shape) == 1 {
		shape += ","
	}
	header := fmt.Sprintf("{'descr': '<f8', 'fortran_order': False, 'shape': (%s), }", shape)
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
	if _, err := w.Write(buf.Bytes()); err != nil {
		return err
	}
	b := make([]byte, 8*len(a.Data))
	for i, v := range a.Data {
		binary.LittleEndian.PutUint64(b[8*i:], math.Float64bits(v))
	}
	_, err := w.Write(b)
	return err
}

// ReadNPZ reads every array of the .npz archive at path. float64 and
// float32 arrays are accepted (float32 is widened), in C or Fortran order;
// other element types are an error naming the array.
func ReadNPZ(path string) (map[string]Array, error) {
	r, err := npz.Open(path)
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", path, err)
	}
	defer r.Close()
	out := make(map[string]Array)
	for _, key := range r.Keys() {
		name := strings.TrimSuffix(key, ".npy")
		h := r.Header(key)
		if h == nil {
			return nil, fmt.Errorf("read %s: array %s: no header", path, name)
		}
		shape := append([]int(nil), h.Descr.Shape...)
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

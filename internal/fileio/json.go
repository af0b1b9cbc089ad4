package fileio

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"math"
	"os"
	"reflect"
	"sync"
)

// Non-finite numbers in JSON. encoding/json refuses NaN and the
// infinities; rnnlab's results meet them (a diverged run's loss, a shuffle
// loss not measured), so MarshalJSON and WriteJSON write them as null, and
// UnmarshalJSON reads null back as NaN. They do so by encoding the value
// through a mirror of its type in which every float64 and float32 is
// replaced by a type whose MarshalJSON writes null for NaN and ±Inf and
// the number as encoding/json writes it otherwise; field names, tags and
// omitempty are kept. A value without non-finite numbers is written by
// encoding/json directly, so its bytes are unchanged.
//
// Limits: types that marshal themselves (json.Marshaler,
// encoding.TextMarshaler) are left to do so, and a struct with embedded
// unexported struct fields is not mirrored (its non-finite numbers are
// still refused by encoding/json).

// MarshalJSON returns v as JSON indented by two spaces, as
// json.MarshalIndent(v, "", "  ") does, but with NaN and infinities
// written as null.
func MarshalJSON(v any) ([]byte, error) {
	b, err := json.MarshalIndent(v, "", "  ")
	var uv *json.UnsupportedValueError
	if err == nil || !errors.As(err, &uv) {
		return b, err
	}
	return json.MarshalIndent(toMirror(reflect.ValueOf(v)), "", "  ")
}

// UnmarshalJSON decodes data into v (a non-nil pointer) as json.Unmarshal
// does, except that null read into a float64 or float32 sets it to NaN
// (encoding/json leaves it unchanged, which reads a not-measured number as
// 0).
func UnmarshalJSON(data []byte, v any) error {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() {
		return json.Unmarshal(data, v)
	}
	t := rv.Elem().Type()
	mt := mirrorType(t)
	if mt == t {
		return json.Unmarshal(data, v)
	}
	mv := reflect.New(mt)
	mv.Elem().Set(convert(rv.Elem(), mt))
	if err := json.Unmarshal(data, mv.Interface()); err != nil {
		return err
	}
	assign(rv.Elem(), mv.Elem())
	return nil
}

// ReadJSON reads the file at path into v with UnmarshalJSON.
func ReadJSON(path string, v any) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	return UnmarshalJSON(b, v)
}

// jsonFloat64 and jsonFloat32 are the mirror's numbers.
type (
	jsonFloat64 float64
	jsonFloat32 float32
)

func (f jsonFloat64) MarshalJSON() ([]byte, error) { return marshalFloat(float64(f), 64) }
func (f jsonFloat32) MarshalJSON() ([]byte, error) { return marshalFloat(float64(f), 32) }

func (f *jsonFloat64) UnmarshalJSON(b []byte) error {
	v, err := unmarshalFloat(b, 64)
	*f = jsonFloat64(v)
	return err
}

func (f *jsonFloat32) UnmarshalJSON(b []byte) error {
	v, err := unmarshalFloat(b, 32)
	*f = jsonFloat32(v)
	return err
}

func marshalFloat(v float64, bits int) ([]byte, error) {
	if math.IsNaN(v) || math.IsInf(v, 0) {
		return []byte("null"), nil
	}
	if bits == 32 {
		return json.Marshal(float32(v))
	}
	return json.Marshal(v)
}

func unmarshalFloat(b []byte, bits int) (float64, error) {
	if string(bytes.TrimSpace(b)) == "null" {
		return math.NaN(), nil
	}
	if bits == 32 {
		var f float32
		err := json.Unmarshal(b, &f)
		return float64(f), err
	}
	var f float64
	err := json.Unmarshal(b, &f)
	return f, err
}

var (
	mirrors        sync.Map // reflect.Type -> reflect.Type
	float64Type    = reflect.TypeFor[jsonFloat64]()
	float32Type    = reflect.TypeFor[jsonFloat32]()
	marshalerTypes = []reflect.Type{
		reflect.TypeFor[json.Marshaler](), reflect.TypeFor[json.Unmarshaler](),
		reflect.TypeFor[encoding.TextMarshaler](), reflect.TypeFor[encoding.TextUnmarshaler](),
	}
)

// mirrorType returns t with every float replaced by its JSON-safe
// counterpart, or t itself when t holds no float (interfaces count as
// holding one: their content is converted value by value).
func mirrorType(t reflect.Type) reflect.Type {
	if m, ok := mirrors.Load(t); ok {
		return m.(reflect.Type)
	}
	// A recursive type meets itself while its mirror is built: it then
	// stays unmirrored below that point.
	mirrors.Store(t, t)
	m := buildMirror(t)
	mirrors.Store(t, m)
	return m
}

func selfMarshaling(t reflect.Type) bool {
	for _, m := range marshalerTypes {
		if t.Implements(m) || reflect.PointerTo(t).Implements(m) {
			return true
		}
	}
	return false
}

func buildMirror(t reflect.Type) (out reflect.Type) {
	if selfMarshaling(t) {
		return t
	}
	switch t.Kind() {
	case reflect.Float64:
		return float64Type
	case reflect.Float32:
		return float32Type
	case reflect.Pointer:
		if e := mirrorType(t.Elem()); e != t.Elem() {
			return reflect.PointerTo(e)
		}
	case reflect.Slice:
		if e := mirrorType(t.Elem()); e != t.Elem() {
			return reflect.SliceOf(e)
		}
	case reflect.Array:
		if e := mirrorType(t.Elem()); e != t.Elem() {
			return reflect.ArrayOf(t.Len(), e)
		}
	case reflect.Map:
		if e := mirrorType(t.Elem()); e != t.Elem() {
			return reflect.MapOf(t.Key(), e)
		}
	case reflect.Struct:
		return structMirror(t)
	}
	return t
}

// structMirror mirrors the exported fields of t (encoding/json ignores
// the others); a struct whose mirror cannot be built stays as it is.
func structMirror(t reflect.Type) (out reflect.Type) {
	var fields []reflect.StructField
	changed := false
	for i := range t.NumField() {
		f := t.Field(i)
		if !f.IsExported() {
			if f.Anonymous {
				return t // promoted fields of an unexported embedded type
			}
			changed = true // dropped: JSON ignores it
			continue
		}
		if m := mirrorType(f.Type); m != f.Type {
			f.Type, changed = m, true
		}
		f.Index, f.Offset = nil, 0
		fields = append(fields, f)
	}
	if !changed || !holdsFloat(t) {
		return t
	}
	defer func() {
		if recover() != nil { // reflect.StructOf refuses some embeddings
			out = t
		}
	}()
	return reflect.StructOf(fields)
}

// holdsFloat reports whether the exported content of t can hold a float.
func holdsFloat(t reflect.Type) bool {
	for i := range t.NumField() {
		if f := t.Field(i); f.IsExported() && mirrorType(f.Type) != f.Type {
			return true
		}
	}
	return false
}

// interface kinds hold floats at run time: a mirror of any container of
// them must convert their content. containsInterface marks such types.
func containsInterface(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return false
	}
	seen[t] = true
	switch t.Kind() {
	case reflect.Interface:
		return true
	case reflect.Pointer, reflect.Slice, reflect.Array, reflect.Map:
		return containsInterface(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			if f := t.Field(i); f.IsExported() && containsInterface(f.Type, seen) {
				return true
			}
		}
	}
	return false
}

// toMirror converts v into a value that encoding/json writes with null for
// every non-finite float.
func toMirror(v reflect.Value) any {
	if !v.IsValid() {
		return nil
	}
	return convert(v, mirrorType(v.Type())).Interface()
}

// convert returns v (of some type) as a value of type to, its mirror.
func convert(v reflect.Value, to reflect.Type) reflect.Value {
	if v.Kind() == reflect.Interface {
		if v.IsNil() {
			return reflect.Zero(to)
		}
		inner := convert(v.Elem(), mirrorType(v.Elem().Type()))
		out := reflect.New(to).Elem()
		if inner.Type().AssignableTo(to) {
			out.Set(inner)
		} else {
			out.Set(v.Elem())
		}
		return out
	}
	if v.Type() == to && !containsInterface(to, map[reflect.Type]bool{}) {
		return v
	}
	switch to.Kind() {
	case reflect.Float64, reflect.Float32:
		return reflect.ValueOf(v.Float()).Convert(to)
	case reflect.Pointer:
		if v.IsNil() {
			return reflect.Zero(to)
		}
		p := reflect.New(to.Elem())
		p.Elem().Set(convert(v.Elem(), to.Elem()))
		return p
	case reflect.Slice:
		if v.IsNil() {
			return reflect.Zero(to)
		}
		s := reflect.MakeSlice(to, v.Len(), v.Len())
		for i := range v.Len() {
			s.Index(i).Set(convert(v.Index(i), to.Elem()))
		}
		return s
	case reflect.Array:
		a := reflect.New(to).Elem()
		for i := range v.Len() {
			a.Index(i).Set(convert(v.Index(i), to.Elem()))
		}
		return a
	case reflect.Map:
		if v.IsNil() {
			return reflect.Zero(to)
		}
		m := reflect.MakeMapWithSize(to, v.Len())
		it := v.MapRange()
		for it.Next() {
			m.SetMapIndex(it.Key(), convert(it.Value(), to.Elem()))
		}
		return m
	case reflect.Struct:
		s := reflect.New(to).Elem()
		for i := range to.NumField() {
			if f := to.Field(i); f.IsExported() {
				s.Field(i).Set(convert(v.FieldByName(f.Name), f.Type))
			}
		}
		return s
	}
	return v.Convert(to)
}

// assign sets dst (of the original type) from src, its mirror.
func assign(dst, src reflect.Value) {
	if src.Type() == dst.Type() {
		dst.Set(src)
		return
	}
	switch dst.Kind() {
	case reflect.Float64, reflect.Float32:
		dst.SetFloat(src.Float())
	case reflect.Pointer:
		if src.IsNil() {
			dst.Set(reflect.Zero(dst.Type()))
			return
		}
		if dst.IsNil() {
			dst.Set(reflect.New(dst.Type().Elem()))
		}
		assign(dst.Elem(), src.Elem())
	case reflect.Slice:
		if src.IsNil() {
			dst.Set(reflect.Zero(dst.Type()))
			return
		}
		dst.Set(reflect.MakeSlice(dst.Type(), src.Len(), src.Len()))
		for i := range src.Len() {
			assign(dst.Index(i), src.Index(i))
		}
	case reflect.Array:
		for i := range src.Len() {
			assign(dst.Index(i), src.Index(i))
		}
	case reflect.Map:
		if src.IsNil() {
			dst.Set(reflect.Zero(dst.Type()))
			return
		}
		m := reflect.MakeMapWithSize(dst.Type(), src.Len())
		it := src.MapRange()
		for it.Next() {
			e := reflect.New(dst.Type().Elem()).Elem()
			assign(e, it.Value())
			m.SetMapIndex(it.Key(), e)
		}
		dst.Set(m)
	case reflect.Struct:
		for i := range src.NumField() {
			if f := src.Type().Field(i); f.IsExported() {
				assign(dst.FieldByName(f.Name), src.Field(i))
			}
		}
	default:
		dst.Set(src)
	}
}

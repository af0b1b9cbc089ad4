package linear

import (
	"encoding/json"
	"math"
	"strconv"
)

// Num is a float64 that survives JSON when it is not finite: NaN and ±Inf
// (a learning time never reached, a loss that blew up) are written as
// null and read back as NaN.
type Num float64

// MarshalJSON writes finite values in the shortest form that reads back
// exactly, and null otherwise.
func (x Num) MarshalJSON() ([]byte, error) {
	f := float64(x)
	if math.IsNaN(f) || math.IsInf(f, 0) {
		return []byte("null"), nil
	}
	return []byte(strconv.FormatFloat(f, 'g', -1, 64)), nil
}

// UnmarshalJSON reads a number, or null as NaN.
func (x *Num) UnmarshalJSON(b []byte) error {
	if string(b) == "null" {
		*x = Num(math.NaN())
		return nil
	}
	var f float64
	if err := json.Unmarshal(b, &f); err != nil {
		return err
	}
	*x = Num(f)
	return nil
}

// nums converts a slice.
func nums(x []float64) []Num {
	out := make([]Num, len(x))
	for i, v := range x {
		out[i] = Num(v)
	}
	return out
}

// Floats converts a slice of Num back to float64 (NaN where null).
func Floats(x []Num) []float64 {
	out := make([]float64, len(x))
	for i, v := range x {
		out[i] = float64(v)
	}
	return out
}

func nan() Num { return Num(math.NaN()) }

func finite(x float64) bool { return !math.IsNaN(x) && !math.IsInf(x, 0) }

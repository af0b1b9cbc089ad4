package sweep

import (
	"fmt"
	"math"
	"strconv"
	"strings"
)

// maxGrid bounds the number of g values of a grid.
const maxGrid = 10_000

// ParseGrid parses a grid of g values: "start:stop:step" (stop included
// when the steps land on it, e.g. 0:2.1:0.3 is 0, 0.3, ..., 2.1) or a comma
// list "0,0.9,1.8". Values are rounded to 10 decimals so that 0.3*3 prints
// as 0.9. Every g must be finite and >= 0, and no value may repeat.
func ParseGrid(s string) ([]float64, error) {
	s = strings.TrimSpace(s)
	if s == "" {
		return nil, fmt.Errorf("g grid is empty: give start:stop:step or a comma list")
	}
	var gs []float64
	if strings.Contains(s, ":") {
		parts := strings.Split(s, ":")
		if len(parts) != 3 {
			return nil, fmt.Errorf("g grid %q: want start:stop:step", s)
		}
		var v [3]float64
		for i, p := range parts {
			f, err := strconv.ParseFloat(strings.TrimSpace(p), 64)
			if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
				return nil, fmt.Errorf("g grid %q: %q is not a finite number", s, p)
			}
			v[i] = f
		}
		start, stop, step := v[0], v[1], v[2]
		switch {
		case step <= 0:
			return nil, fmt.Errorf("g grid %q: step must be > 0", s)
		case stop < start:
			return nil, fmt.Errorf("g grid %q: stop %v is below start %v, the grid is empty", s, stop, start)
		case (stop-start)/step > maxGrid:
			return nil, fmt.Errorf("g grid %q: more than %d values", s, maxGrid)
		}
		for i := 0; ; i++ {
			g := round10(start + float64(i)*step)
			if g > stop+1e-9*step {
				break
			}
			gs = append(gs, g)
		}
	} else {
		for _, p := range strings.Split(s, ",") {
			p = strings.TrimSpace(p)
			if p == "" {
				continue
			}
			f, err := strconv.ParseFloat(p, 64)
			if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
				return nil, fmt.Errorf("g grid %q: %q is not a finite number", s, p)
			}
			gs = append(gs, round10(f))
		}
		if len(gs) == 0 {
			return nil, fmt.Errorf("g grid %q is empty", s)
		}
	}
	seen := map[float64]bool{}
	for _, g := range gs {
		if g < 0 {
			return nil, fmt.Errorf("g grid %q: g = %v is negative; g must be >= 0", s, g)
		}
		if seen[g] {
			return nil, fmt.Errorf("g grid %q: g = %v appears twice", s, g)
		}
		seen[g] = true
	}
	return gs, nil
}

func round10(x float64) float64 { return math.Round(x*1e10) / 1e10 }

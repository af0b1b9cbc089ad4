package plots

import (
	"math"
	"strconv"

	"gonum.org/v1/plot"
)

// logTicks labels powers of ten on a log axis and, when the range holds
// fewer than two of them, also 2x and 5x multiples (and, failing that,
// every multiple), so that an axis spanning less than a decade still has
// numbers on it.
type logTicks struct{}

// Ticks returns the ticks between min and max.
func (logTicks) Ticks(min, max float64) []plot.Tick {
	if !(min > 0) || !(max > min) {
		return nil
	}
	lo, hi := math.Floor(math.Log10(min)), math.Ceil(math.Log10(max))
	var major []float64
	for e := lo; e <= hi; e++ {
		if v := math.Pow(10, e); v >= min && v <= max {
			major = append(major, v)
		}
	}
	labelled := map[float64]bool{}
	for _, v := range major {
		labelled[v] = true
	}
	if len(major) < 2 {
		for e := lo; e <= hi; e++ {
			for _, m := range []float64{2, 5} {
				if v := m * math.Pow(10, e); v >= min && v <= max {
					labelled[v] = true
				}
			}
		}
	}
	if len(labelled) < 2 { // less than a factor 2.5: label every multiple
		for e := lo; e <= hi; e++ {
			for m := 1.0; m < 10; m++ {
				if v := m * math.Pow(10, e); v >= min && v <= max {
					labelled[v] = true
				}
			}
		}
	}
	var ts []plot.Tick
	for e := lo; e <= hi; e++ {
		for m := 1.0; m < 10; m++ {
			v := m * math.Pow(10, e)
			if v < min || v > max {
				continue
			}
			t := plot.Tick{Value: v}
			if labelled[v] {
				t.Label = strconv.FormatFloat(v, 'g', 3, 64)
			}
			ts = append(ts, t)
		}
	}
	return ts
}

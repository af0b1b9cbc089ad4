package datasets

import (
	"math"
	"strings"
	"testing"
)

// TestValidateNamesEntry (issue 12, item 14): a non-finite entry is named
// by its [b, t, i] index, not by its offset in the flat array.
func TestValidateNamesEntry(t *testing.T) {
	bt := NewBatch(2, 5, 3, 2)
	for i := range bt.Mask {
		bt.Mask[i] = 1
	}
	bt.Input[bt.In(1, 4, 2)] = math.NaN()
	err := bt.Validate()
	if err == nil || !strings.Contains(err.Error(), "input[1, 4, 2]") {
		t.Errorf("error %v, want one naming input[1, 4, 2]", err)
	}
	bt.Input[bt.In(1, 4, 2)] = 0
	bt.Target[bt.Out(0, 3, 1)] = math.Inf(-1)
	if err := bt.Validate(); err == nil || !strings.Contains(err.Error(), "target[0, 3, 1] is -Inf") {
		t.Errorf("error %v, want one naming target[0, 3, 1]", err)
	}
	bt.Target[bt.Out(0, 3, 1)] = 0
	bt.Noise = make([]float64, 2*5*4)
	bt.Noise[(1*5+2)*4+3] = math.NaN()
	if err := bt.Validate(); err == nil || !strings.Contains(err.Error(), "noise[1, 2, 3]") {
		t.Errorf("error %v, want one naming noise[1, 2, 3]", err)
	}
	if err := CheckFiniteShape("w", []float64{0, 0, 0, math.Inf(1)}, 2, 2); err == nil || !strings.Contains(err.Error(), "w[1, 1]") {
		t.Errorf("CheckFiniteShape: %v", err)
	}
}

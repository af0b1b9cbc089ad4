package fblas_test

import (
	"fmt"

	"github.com/rnnlab/rnnlab/internal/fblas"
)

// C = A B^T for a 2 x 3 A and a 2 x 3 B, in float32, with whichever gemm
// kernel this machine runs (small integers: every kernel gives these).
func ExampleGemm() {
	a := []float32{1, 2, 3, 4, 5, 6}
	b := []float32{1, 0, 1, 0, 1, 0}
	c := make([]float32, 4)
	fblas.Gemm(false, true, 2, 2, 3, 1, a, 3, b, 3, 0, c, 2)
	fmt.Println(c)
	// Output: [4 2 10 5]
}

package trainers

import (
	"bytes"
	"fmt"
	"strconv"

	"github.com/rnnlab/rnnlab/internal/fileio"
)

// Metrics holds one row per epoch.
type Metrics struct {
	Epoch    []int
	Loss     []float64
	GradNorm []float64
}

func (m *Metrics) add(epoch int, loss, norm float64) {
	m.Epoch = append(m.Epoch, epoch)
	m.Loss = append(m.Loss, loss)
	m.GradNorm = append(m.GradNorm, norm)
}

// Len returns the number of epochs recorded.
func (m *Metrics) Len() int { return len(m.Epoch) }

// CSV returns the metrics as CSV with the header epoch,loss,grad_norm and
// numbers printed with full float64 precision.
func (m *Metrics) CSV() []byte {
	var b bytes.Buffer
	b.WriteString("epoch,loss,grad_norm\n")
	for i, e := range m.Epoch {
		fmt.Fprintf(&b, "%d,%s,%s\n", e,
			strconv.FormatFloat(m.Loss[i], 'g', -1, 64),
			strconv.FormatFloat(m.GradNorm[i], 'g', -1, 64))
	}
	return b.Bytes()
}

// WriteCSV writes the metrics to path atomically.
func (m *Metrics) WriteCSV(path string) error { return fileio.WriteFile(path, m.CSV()) }

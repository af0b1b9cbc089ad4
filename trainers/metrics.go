package trainers

import (
	"bytes"
	"errors"
	"fmt"
	"strconv"
	"strings"

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

// ParseMetricsCSV reads metrics written by CSV.
func ParseMetricsCSV(b []byte) (*Metrics, error) {
	lines := strings.Split(strings.TrimSpace(string(b)), "\n")
	if len(lines) == 0 || lines[0] != "epoch,loss,grad_norm" {
		return nil, fmt.Errorf("metrics: header is not epoch,loss,grad_norm")
	}
	m := &Metrics{}
	for i, line := range lines[1:] {
		f := strings.Split(line, ",")
		if len(f) != 3 {
			return nil, fmt.Errorf("metrics: line %d: want 3 fields, got %d", i+2, len(f))
		}
		e, err1 := strconv.Atoi(f[0])
		l, err2 := strconv.ParseFloat(f[1], 64)
		g, err3 := strconv.ParseFloat(f[2], 64)
		if err := errors.Join(err1, err2, err3); err != nil {
			return nil, fmt.Errorf("metrics: line %d: %w", i+2, err)
		}
		m.add(e, l, g)
	}
	return m, nil
}

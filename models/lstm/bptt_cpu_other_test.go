//go:build !unix

package lstm

import "time"

// cpuTime returns 0: process CPU time is read on Unix systems only, and
// the CPU-time metrics of BenchmarkBPTTSpeedup are then 0.
func cpuTime() time.Duration { return 0 }

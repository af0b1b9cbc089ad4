//go:build race

package lstm

// bpttRace says whether the race detector is on: it makes sync.Pool drop
// items at random, so fblas's pooled gemm jobs are allocated again, and
// TestBPTTAllocs does not apply.
const bpttRace = true

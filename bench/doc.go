// Package bench measures the engines of rnnlab side by side on the paper's
// workloads: one training iteration (draw a batch, loss and gradients,
// optimiser step) per workload, the workloads interleaved round-robin so
// that a noisy machine slows them alike. For each it reports the time per
// iteration (median, min, max), the arithmetic rate in GFLOP/s, that rate as
// a share of the machine's measured gemm throughput at the workload's
// dominant matrix shape, and heap allocations per iteration. Peak resident
// memory is measured per workload in a child process by the command line
// (`rnnlab bench`), since one process holds every workload.
package bench

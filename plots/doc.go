// Package plots draws rnnlab's figures with gonum/plot and saves each as a
// PNG and an SVG: the panels of the paper's figures 1 and 2 for a single
// run (run.go) and for a g sweep (sweep.go), built from small helpers for
// line plots, scatter plots and grids of panels (draw.go).
//
// Log-scaled axes drop non-positive values (a singular value of exactly 0,
// a loss of 0) rather than fail, and say so in the legend.
package plots

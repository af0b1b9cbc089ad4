//go:build !race

package gemmtest

const raceEnabled = false

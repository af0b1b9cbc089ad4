//go:build race

package gemmtest

const raceEnabled = true

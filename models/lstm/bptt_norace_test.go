//go:build !race

package lstm

// bpttRace says whether the race detector is on (see bptt_race_test.go).
const bpttRace = false

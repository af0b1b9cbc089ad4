package sst

import (
	"reflect"
	"testing"
)

// FuzzParse checks that ParseTree never panics, and that whatever it
// accepts prints to a canonical form that parses to the same tree and
// prints identically.
//
//	go test -run '^$' -fuzz FuzzParse -fuzztime 30s ./datasets/sst/
func FuzzParse(f *testing.F) {
	for _, s := range []string{
		"(3 (2 The) (2 Rock))",
		"(2 -LRB-)",
		`(4 (2 1\/2) (3 (2 unary)))`,
		"(3 (2 a) (2 b)",
		"(5 x)", "((", "))", "(2 a b)", "", " ", "(2\t(2 x))\r\n",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		tr, err := ParseTree(s)
		if err != nil {
			if tr != nil {
				t.Fatalf("%q: tree and error %v", s, err)
			}
			return
		}
		p := tr.String()
		tr2, err := ParseTree(p)
		if err != nil {
			t.Fatalf("%q printed as %q, which does not parse: %v", s, p, err)
		}
		if !reflect.DeepEqual(tr, tr2) {
			t.Fatalf("%q: tree changed through %q", s, p)
		}
		if p2 := tr2.String(); p2 != p {
			t.Fatalf("%q: printed %q then %q", s, p, p2)
		}
		if len(tr.Leaves()) != tr.Len() || tr.Len() < 1 {
			t.Fatalf("%q: %d leaves, Len %d", s, len(tr.Leaves()), tr.Len())
		}
	})
}

package graph

import (
	"errors"
	"fmt"

	"gorgonia.org/gorgonia"
)

// ErrHashCollision is returned (wrapped) by Compile when two distinct nodes
// of a graph have the same 32-bit hash. Gorgonia's compiler would merge
// them (common-subexpression elimination compares hashes only) and the
// program would silently read one node's value for the other. Rebuild the
// graph with another salt (see Salted).
var ErrHashCollision = errors.New("graph: node hash collision")

// Program is a graph compiled into a TapeMachine.
type Program struct {
	// Graph is the compiled graph.
	Graph *gorgonia.ExprGraph
	vm    gorgonia.VM
}

// Compile checks g for hash collisions (CheckHashes) and compiles it into
// a TapeMachine. Create every Reader and call Params.Grad before.
func Compile(g *gorgonia.ExprGraph) (*Program, error) {
	if err := CheckHashes(g); err != nil {
		return nil, err
	}
	vm := gorgonia.NewTapeMachine(g)
	return &Program{Graph: g, vm: vm}, nil
}

// Run runs the whole program once and resets the machine, whether the run
// succeeded or not. Load the inputs before; read the results through
// Readers after.
func (p *Program) Run() error {
	defer p.vm.Reset()
	return p.vm.RunAll()
}

// Close releases the machine.
func (p *Program) Close() error { return p.vm.Close() }

// CheckHashes returns an error wrapping ErrHashCollision if two distinct
// nodes of g share a hash, unless both are equal constants (merging those
// is harmless).
func CheckHashes(g *gorgonia.ExprGraph) error {
	nodes := g.AllNodes()
	seen := make(map[uint32]*gorgonia.Node, len(nodes))
	for _, n := range nodes {
		h := n.Hashcode()
		o, dup := seen[h]
		if !dup {
			seen[h] = n
			continue
		}
		if o == n || equalConstants(o, n) {
			continue
		}
		return fmt.Errorf("%w: %q and %q (hash %#x)", ErrHashCollision, o.Name(), n.Name(), h)
	}
	return nil
}

// equalConstants reports whether a and b are nullary ops (constants) with
// equal hashes and of equal type and shape, i.e. equal constants.
func equalConstants(a, b *gorgonia.Node) bool {
	if a.Op() == nil || b.Op() == nil || a.Op().Arity() != 0 || b.Op().Arity() != 0 {
		return false
	}
	return a.Op().Hashcode() == b.Op().Hashcode() && a.Type() == b.Type() && a.Shape().Eq(b.Shape())
}

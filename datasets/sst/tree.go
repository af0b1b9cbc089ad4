package sst

import "strings"

// Tree is one node of a labelled SST parse tree. A leaf holds a word and
// no children; an internal node holds one or more children and no word.
// Every node carries a sentiment label 0..4 (0 very negative, 2 neutral,
// 4 very positive); the root's label is the sentence's.
type Tree struct {
	// Label is the node's sentiment label, 0..4.
	Label int
	// Word is the token of a leaf, empty for internal nodes.
	Word string
	// Children are the sub-trees of an internal node, in order.
	Children []*Tree
}

// IsLeaf reports whether t is a leaf (a word).
func (t *Tree) IsLeaf() bool { return len(t.Children) == 0 }

// Walk calls f for every node of t in pre-order (a node before its
// children, children left to right). If f returns false, the children of
// that node are skipped. Walk uses an explicit stack, so arbitrarily deep
// trees are safe.
func (t *Tree) Walk(f func(*Tree) bool) {
	stack := []*Tree{t}
	for len(stack) > 0 {
		n := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if !f(n) {
			continue
		}
		for i := len(n.Children) - 1; i >= 0; i-- {
			stack = append(stack, n.Children[i])
		}
	}
}

// Leaves returns the words of t's leaves in order: the tokens of the
// sentence or phrase that t spans.
func (t *Tree) Leaves() []string {
	var w []string
	t.Walk(func(n *Tree) bool {
		if n.IsLeaf() {
			w = append(w, n.Word)
		}
		return true
	})
	return w
}

// Len returns the number of leaves of t.
func (t *Tree) Len() int {
	n := 0
	t.Walk(func(x *Tree) bool {
		if x.IsLeaf() {
			n++
		}
		return true
	})
	return n
}

// String returns t in the PTB bracket format of the SST files, e.g.
// "(3 (2 The) (2 Rock))": single spaces, no trailing newline. For a line of
// the SST files, ParseTree(line).String() == line.
func (t *Tree) String() string {
	var sb strings.Builder
	type frame struct {
		n    *Tree
		next int // index of the next child to print
	}
	stack := []frame{{n: t}}
	for len(stack) > 0 {
		f := &stack[len(stack)-1]
		if f.next == 0 {
			if len(stack) > 1 {
				sb.WriteByte(' ')
			}
			sb.WriteByte('(')
			sb.WriteByte(byte('0' + f.n.Label))
			if f.n.IsLeaf() {
				sb.WriteByte(' ')
				sb.WriteString(f.n.Word)
			}
		}
		if f.next < len(f.n.Children) {
			c := f.n.Children[f.next]
			f.next++
			stack = append(stack, frame{n: c})
			continue
		}
		sb.WriteByte(')')
		stack = stack[:len(stack)-1]
	}
	return sb.String()
}

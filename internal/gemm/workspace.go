package gemm

// Float is the set of element types Gemm computes in.
type Float interface{ ~float32 | ~float64 }

// buffers holds one precision's packing buffers: a partial panel of A,
// panels of B, a tile of C.
type buffers[F Float] struct {
	a, b, c []F
}

// Workspace is the scratch of one goroutine's gemm calls: the packed
// panels of A and B and a tile of C for the edges. It grows on first use
// for each precision and kernel and is reused after that; the zero value
// is ready. A Workspace must not be used by two calls at once.
type Workspace struct {
	f64 buffers[float64]
	f32 buffers[float32]
}

// NewWorkspace returns a workspace grown for kernel k in both precisions,
// so that no later call allocates whichever precision comes first.
func NewWorkspace(k *Kernel) *Workspace {
	ws := new(Workspace)
	if k.Asm() {
		ws.f64.grow(k.f64.mr, k.f64.nr)
		ws.f32.grow(k.f32.mr, k.f32.nr)
	}
	return ws
}

// grow makes the buffers large enough for a kernel of mr x nr tiles.
func (b *buffers[F]) grow(mr, nr int) {
	na := mr * KC
	nb := (NC + nr - 1) / nr * nr * KC
	if len(b.a) < na {
		b.a = make([]F, na)
	}
	if len(b.b) < nb {
		b.b = make([]F, nb)
	}
	if len(b.c) < mr*nr {
		b.c = make([]F, mr*nr)
	}
}

// buffersOf returns ws's buffers for element type F.
func buffersOf[F Float](ws *Workspace) *buffers[F] {
	var z F
	if _, ok := any(z).(float32); ok {
		return any(&ws.f32).(*buffers[F])
	}
	return any(&ws.f64).(*buffers[F])
}

// microOf returns k's micro-kernel for element type F.
func microOf[F Float](k *Kernel) *micro[F] {
	var z F
	if _, ok := any(z).(float32); ok {
		return any(&k.f32).(*micro[F])
	}
	return any(&k.f64).(*micro[F])
}

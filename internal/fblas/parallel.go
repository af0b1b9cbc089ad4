package fblas

import (
	"runtime"
	"sync"
	"sync/atomic"

	"github.com/rnnlab/rnnlab/internal/gemm"
)

// Under the gonum kernel, tiles of C are kept small enough that gonum's
// gemm computes each one serially (fewer than four 64 x 64 blocks), so that
// no call allocates: gonum's own parallel gemm starts goroutines and
// channels on every call.
const (
	tileRows    = 64
	maxTileCols = 192
	minTileCols = 16
	tileK       = 64
)

var threads atomic.Int32

func init() { threads.Store(int32(runtime.GOMAXPROCS(0))) }

// SetThreads sets how many goroutines a gemm may use (at least 1) and
// returns the previous value. Sweeps that run one training per core set it
// to 1. It is safe to call at any time.
func SetThreads(n int) int {
	n = max(n, 1)
	old := int(threads.Swap(int32(n)))
	setBackendThreads(n)
	return old
}

// Threads returns the number of goroutines a gemm may use.
func Threads() int { return int(threads.Load()) }

// Under an assembly kernel, tiles of C are asmTileRows x asmTileCols
// (rounded up to the micro-kernel's tile), each computed over the whole
// inner dimension by gemm.Gemm; when B is transposed, and each tile packs
// its columns of B, tiles are asmTileRowsTB tall so that B is packed
// fewer times. Products of fewer than asmSerialMACs multiply-adds run on
// the caller alone. All of it depends on the shape only, and the kernel's
// arithmetic does not depend on the tiling at all.
const (
	asmTileRows   = 64
	asmTileRowsTB = 256
	asmTileCols   = 128
	asmSerialMACs = 64 * 64 * 64
)

// task is work that pool goroutines share: each calls work until it
// returns, then done. ws is the calling goroutine's scratch.
type task interface {
	work(ws *gemm.Workspace)
	done()
}

// spare holds the scratch of callers of Gemm (each pool goroutine owns
// its own): a caller takes one and gives it back, so that concurrent
// callers (one training per core) never share one and a warm process
// allocates none.
var spare = make(chan *gemm.Workspace, 64)

func getWorkspace() *gemm.Workspace {
	select {
	case ws := <-spare:
		return ws
	default:
		return newWorkspace()
	}
}

// newWorkspace returns scratch grown for the assembly kernel, if any.
func newWorkspace() *gemm.Workspace {
	if asmKernel == nil {
		return new(gemm.Workspace)
	}
	return gemm.NewWorkspace(asmKernel)
}

func putWorkspace(ws *gemm.Workspace) {
	select {
	case spare <- ws:
	default:
	}
}

var (
	tasks    = make(chan task)
	start    sync.Once
	nWorkers = runtime.GOMAXPROCS(0) - 1
)

func startWorkers() {
	for range nWorkers {
		go func() {
			ws := newWorkspace()
			for t := range tasks {
				t.work(ws)
				t.done()
			}
		}()
	}
}

// gemmJob is one gemm split into tiles of C that goroutines take in turn.
type gemmJob[F Float] struct {
	tA, tB      bool
	m, n, k     int
	alpha, beta F
	a, b, c     []F
	lda, ldb    int
	ldc         int
	rows, cols  int // tile height and width
	tn, count   int // tiles per row of tiles, tiles in all
	next        atomic.Int32
	wg          sync.WaitGroup
}

func (j *gemmJob[F]) done() { j.wg.Done() }

func (j *gemmJob[F]) work(ws *gemm.Workspace) {
	for {
		t := int(j.next.Add(1)) - 1
		if t >= j.count {
			return
		}
		i0 := (t / j.tn) * j.rows
		j0 := (t % j.tn) * j.cols
		i1, j1 := min(i0+j.rows, j.m), min(j0+j.cols, j.n)
		if asmKernel == nil {
			j.tile(i0, i1, j0, j1)
			continue
		}
		// The whole tile in one call: gemm packs it once, with deep k blocks.
		as, bs := j.a[i0:], j.b[j0:]
		if !j.tA {
			as = j.a[i0*j.lda:]
		}
		if j.tB {
			bs = j.b[j0*j.ldb:]
		}
		gemm.Gemm(asmKernel, ws, j.tA, j.tB, i1-i0, j1-j0, j.k, j.alpha, as, j.lda, bs, j.ldb, j.beta, j.c[i0*j.ldc+j0:], j.ldc)
	}
}

// tile computes rows i0..i1 and columns j0..j1 of C with gonum's gemm, in
// steps of tileK along the inner dimension so that the operands' panels
// stay in cache.
func (j *gemmJob[F]) tile(i0, i1, j0, j1 int) {
	beta := j.beta
	for k0 := 0; k0 < j.k; k0 += tileK {
		kk := min(tileK, j.k-k0)
		var as, bs []F
		if j.tA {
			as = j.a[k0*j.lda+i0:]
		} else {
			as = j.a[i0*j.lda+k0:]
		}
		if j.tB {
			bs = j.b[j0*j.ldb+k0:]
		} else {
			bs = j.b[k0*j.ldb+j0:]
		}
		gonumGemm(j.tA, j.tB, i1-i0, j1-j0, kk, j.alpha, as, j.lda, bs, j.ldb, beta, j.c[i0*j.ldc+j0:], j.ldc)
		beta = 1
	}
}

var (
	pool64 = sync.Pool{New: func() any { return new(gemmJob[float64]) }}
	pool32 = sync.Pool{New: func() any { return new(gemmJob[float32]) }}
)

func getJob[F Float]() (*gemmJob[F], *sync.Pool) {
	var z F
	p := &pool64
	if _, ok := any(z).(float32); ok {
		p = &pool32
	}
	return p.Get().(*gemmJob[F]), p
}

// Gemm computes C = alpha op(A) op(B) + beta C, where op(X) is X or X^T as
// tA and tB say; op(A) is m x k, op(B) is k x n, C is m x n. C is split into
// tiles computed on up to Threads() goroutines (the caller's included); a
// call allocates nothing in steady state.
func Gemm[F Float](tA, tB bool, m, n, k int, alpha F, a []F, lda int, b []F, ldb int, beta F, c []F, ldc int) {
	envRead.Do(readEnv)
	if m == 0 || n == 0 {
		return
	}
	if !tiled {
		gonumGemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	th := min(Threads(), nWorkers+1)
	j, pool := getJob[F]()
	if asmKernel != nil {
		j.setTilesAsm(tB, m, n, k)
	} else if !j.setTilesGonum(m, n, k) { // one tile: gonum computes it serially
		j.release(pool)
		gonumGemm(tA, tB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc)
		return
	}
	j.tA, j.tB, j.m, j.n, j.k = tA, tB, m, n, k
	j.alpha, j.beta = alpha, beta
	j.a, j.b, j.c, j.lda, j.ldb, j.ldc = a, b, c, lda, ldb, ldc
	j.next.Store(0)
	helpers := min(th, j.count) - 1
	if helpers == 0 {
		ws := getWorkspace()
		j.work(ws)
		putWorkspace(ws)
		j.release(pool)
		return
	}
	start.Do(startWorkers)
	j.wg.Add(helpers)
	for range helpers {
		tasks <- j
	}
	ws := getWorkspace()
	j.work(ws)
	putWorkspace(ws)
	j.wg.Wait()
	j.release(pool)
}

// setTilesAsm sets the tiling of an assembly-kernel gemm, from the shape.
func (j *gemmJob[F]) setTilesAsm(tB bool, m, n, k int) {
	mr, nr := gemm.Tile[F](asmKernel)
	rows := asmTileRows
	if tB {
		rows = asmTileRowsTB
	}
	j.rows = (rows + mr - 1) / mr * mr
	j.cols = (asmTileCols + nr - 1) / nr * nr
	if m*n*k < asmSerialMACs {
		j.rows, j.cols = m, n
	}
	j.tn = (n + j.cols - 1) / j.cols
	j.count = (m + j.rows - 1) / j.rows * j.tn
}

// setTilesGonum sets the tiling of a gemm under the gonum kernel, exactly
// as fblas always tiled it (the tiles depend on the machine's core count),
// and reports whether there is more than one tile.
func (j *gemmJob[F]) setTilesGonum(m, n, k int) bool {
	// The tiling depends on the machine's core count only, never on
	// Threads(), so that results are bit-identical whatever the number of
	// goroutines (the rounding of gonum's kernels can depend on where a
	// tile starts).
	tm := (m + tileRows - 1) / tileRows
	tn := (n + maxTileCols - 1) / maxTileCols
	if cores := nWorkers + 1; tm*tn < cores { // split columns so that every core can have work
		tn = min((cores+tm-1)/tm, max(n/minTileCols, 1))
	}
	if tm*tn == 1 && k <= tileK {
		return false
	}
	cols := (n + tn - 1) / tn
	tn = (n + cols - 1) / cols
	j.rows, j.cols, j.tn, j.count = tileRows, cols, tn, tm*tn
	return true
}

func (j *gemmJob[F]) release(pool *sync.Pool) {
	j.a, j.b, j.c = nil, nil, nil
	pool.Put(j)
}

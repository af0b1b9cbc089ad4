package gemm

// Gemm computes C = alpha op(A) op(B) + beta C with kernel kn on the
// calling goroutine, where op(X) is X or X^T as tA and tB say; op(A) is
// m x k, op(B) is k x n, C is m x n, all row-major with leading dimensions
// lda, ldb, ldc. Beta 0 overwrites C (NaN included); alpha 0 or k 0 only
// scales C by beta. The caller checks the arguments (as gonum's Dgemm
// does); kn must have micro-kernels (kn.Asm()). Gemm allocates nothing
// once ws has grown for the precision and kernel.
func Gemm[F Float](kn *Kernel, ws *Workspace, tA, tB bool, m, n, k int, alpha F, a []F, lda int, b []F, ldb int, beta F, c []F, ldc int) {
	if m == 0 || n == 0 {
		return
	}
	if k == 0 || alpha == 0 {
		scale(m, n, beta, c, ldc)
		return
	}
	u := microOf[F](kn)
	if u.fn == nil {
		panic("gemm: kernel " + kn.name + " has no micro-kernel")
	}
	bf := buffersOf[F](ws)
	bf.grow(u.mr, u.nr)
	mr, nr := u.mr, u.nr
	// Full panels of A are read in place: element [i][p] of the panel at
	// row r is at r*lda + p (aLd = lda, aStep = 1), or at p*lda + r when A
	// is transposed (aLd = 1, aStep = lda). A last, partial panel is packed
	// with zero rows (aLd = 1, aStep = mr).
	aLd, aStep := lda, 1
	if tA {
		aLd, aStep = 1, lda
	}
	for jc := 0; jc < n; jc += NC {
		nb := min(NC, n-jc)
		for pc := 0; pc < k; pc += KC {
			kb := min(KC, k-pc)
			bet, loadC := beta, beta != 0
			if pc > 0 {
				bet, loadC = 1, true
			}
			packB(u, bf.b, tB, b, ldb, pc, jc, kb, nb)
			if r := m % mr; r != 0 {
				packA(bf.a, tA, a, lda, m-r, pc, r, kb, mr)
			}
			for ic := 0; ic < m; ic += MC {
				mb := min(MC, m-ic)
				for jr := 0; jr < nb; jr += nr {
					nn := min(nr, nb-jr)
					bp, bld := &bf.b[jr*kb], nr
					if !tB && nn == nr {
						bp, bld = &b[pc*ldb+jc+jr], ldb
					}
					for ir := 0; ir < mb; ir += mr {
						i0 := ic + ir
						mm := min(mr, mb-ir)
						ap, ald, ast := &bf.a[0], 1, mr
						if mm == mr {
							if tA {
								ap = &a[pc*lda+i0]
							} else {
								ap = &a[i0*lda+pc]
							}
							ald, ast = aLd, aStep
						}
						ci := i0*ldc + jc + jr
						if mm == mr && nn == nr {
							u.fn(kb, ap, ald, ast, bp, bld, &c[ci], ldc, alpha, bet, loadC)
							continue
						}
						// An edge tile: computed in a full tile of scratch
						// with the same arithmetic, then copied.
						t := bf.c[:mr*nr]
						if loadC {
							for i := range mm {
								copy(t[i*nr:i*nr+nn], c[ci+i*ldc:ci+i*ldc+nn])
							}
						}
						u.fn(kb, ap, ald, ast, bp, bld, &t[0], nr, alpha, bet, loadC)
						for i := range mm {
							copy(c[ci+i*ldc:ci+i*ldc+nn], t[i*nr:i*nr+nn])
						}
					}
				}
			}
		}
	}
}

// scale sets C = beta C (zero when beta is 0, whatever C held).
func scale[F Float](m, n int, beta F, c []F, ldc int) {
	if beta == 1 {
		return
	}
	for i := range m {
		row := c[i*ldc : i*ldc+n]
		if beta == 0 {
			clear(row)
			continue
		}
		for j := range row {
			row[j] *= beta
		}
	}
}

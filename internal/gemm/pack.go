package gemm

// packA copies rows i0..i0+rows (rows < mr) and columns pc..pc+kb of
// op(A) into dst as one panel of mr rows, kb x mr (the mr values of one
// step of k together), padded with zero rows.
func packA[F Float](dst []F, tA bool, a []F, lda, i0, pc, rows, kb, mr int) {
	p := dst[:kb*mr]
	clear(p)
	for i := range rows {
		for l := range kb {
			if tA {
				p[l*mr+i] = a[(pc+l)*lda+i0+i]
			} else {
				p[l*mr+i] = a[(i0+i)*lda+pc+l]
			}
		}
	}
}

// packB copies rows pc..pc+kb and columns jc..jc+nb of op(B) into dst as
// panels of nr columns, each kb x nr, padding the last panel with zero
// columns. When B is not transposed only a last, partial panel is packed:
// the full ones are read in place.
func packB[F Float](u *micro[F], dst []F, tB bool, b []F, ldb, pc, jc, kb, nb int) {
	nr := u.nr
	for j0 := 0; j0 < nb; j0 += nr {
		cols := min(nr, nb-j0)
		p := dst[j0*kb : (j0+nr)*kb]
		if !tB {
			if cols == nr {
				continue
			}
			for l := range kb {
				q := p[l*nr : l*nr+nr]
				copy(q, b[(pc+l)*ldb+jc+j0:][:cols])
				clear(q[cols:])
			}
			continue
		}
		// op(B)[l][j] = b[j*ldb+l]: a transpose, in assembly for a full
		// strip's steps of k in whole blocks.
		if l0 := kb - kb%u.packW; cols == nr && l0 > 0 {
			u.packT(&p[0], &b[(jc+j0)*ldb+pc], ldb, l0, nr)
			for j := range nr {
				src := b[(jc+j0+j)*ldb+pc:][l0:kb]
				for l, v := range src {
					p[(l0+l)*nr+j] = v
				}
			}
			continue
		}
		j := 0
		for ; j+4 <= cols; j += 4 {
			s0 := b[(jc+j0+j)*ldb+pc:][:kb]
			s1 := b[(jc+j0+j+1)*ldb+pc:][:kb]
			s2 := b[(jc+j0+j+2)*ldb+pc:][:kb]
			s3 := b[(jc+j0+j+3)*ldb+pc:][:kb]
			q := p[j:]
			for l := range kb {
				d := q[l*nr : l*nr+4 : l*nr+4]
				d[0], d[1], d[2], d[3] = s0[l], s1[l], s2[l], s3[l]
			}
		}
		for ; j < cols; j++ {
			src := b[(jc+j0+j)*ldb+pc:][:kb]
			for l, v := range src {
				p[l*nr+j] = v
			}
		}
		for j := cols; j < nr; j++ {
			for l := range kb {
				p[l*nr+j] = 0
			}
		}
	}
}

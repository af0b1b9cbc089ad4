// Command asm generates the gemm micro-kernels of package gemm (AVX-512 and
// AVX2+FMA, float64 and float32) with avo. It lives in its own module so
// that users of rnnlab never download avo; run it with `go generate` in
// internal/gemm, which writes kernels_amd64.s and kernels_amd64.go.
//
// Every kernel computes one MR x NR tile of C (MR = 4) from a panel of A
// read in place or packed (element [i][p] at a + i*lda + p*aStep) and a
// panel of B (k x NR, rows ldb elements apart): it accumulates acc[i][j] += a[p][i] * b[p][j] for p in
// order with one fused multiply-add per step, then stores
// C = alpha*acc (loadC false) or C = beta*C + alpha*acc (loadC true, one
// fused multiply-add). Each element of C thus sees the same sequence of
// roundings in every kernel, whatever MR and NR.
package main

import (
	"fmt"

	. "github.com/mmcloughlin/avo/build"
	. "github.com/mmcloughlin/avo/operand"
	. "github.com/mmcloughlin/avo/reg"
)

// kernel describes one micro-kernel.
type kernel struct {
	name   string
	f64    bool
	avx512 bool
	mr, nv int // rows of C, vectors per row of C
}

func (k kernel) size() int {
	if k.f64 {
		return 8
	}
	return 4
}

func (k kernel) vecBytes() int {
	if k.avx512 {
		return 64
	}
	return 32
}

func (k kernel) nr() int { return k.nv * k.vecBytes() / k.size() }

func (k kernel) vec() VecVirtual {
	if k.avx512 {
		return ZMM()
	}
	return YMM()
}

func main() {
	for _, k := range []kernel{
		{name: "kernAVX512F64", f64: true, avx512: true, mr: 4, nv: 4},
		{name: "kernAVX512F32", f64: false, avx512: true, mr: 4, nv: 4},
		{name: "kernAVX2F64", f64: true, avx512: false, mr: 4, nv: 3},
		{name: "kernAVX2F32", f64: false, avx512: false, mr: 4, nv: 3},
	} {
		gen(k)
	}
	genTranspose(true)
	genTranspose(false)
	Generate()
}

func gen(kn kernel) {
	elem := "float32"
	if kn.f64 {
		elem = "float64"
	}
	if kn.mr != 4 {
		panic("the row addressing below is for MR = 4")
	}
	TEXT(kn.name, NOSPLIT, fmt.Sprintf("func(k int, a *%[1]s, lda, aStep int, b *%[1]s, ldb int, c *%[1]s, ldc int, alpha, beta %[1]s, loadC bool)", elem))
	isa := "AVX2 and FMA"
	if kn.avx512 {
		isa = "AVX-512F"
	}
	Doc(fmt.Sprintf("%s computes a %d x %d tile of C (%s, %s); k >= 1; strides in elements.",
		kn.name, kn.mr, kn.nr(), elem, isa))

	k := Load(Param("k"), GP64())
	a := Load(Param("a"), GP64())
	lda := Load(Param("lda"), GP64())
	aStep := Load(Param("aStep"), GP64())
	b := Load(Param("b"), GP64())
	ldb := Load(Param("ldb"), GP64())
	shift := U8(2)
	if kn.f64 {
		shift = U8(3)
	}
	SHLQ(shift, lda)
	SHLQ(shift, aStep)
	SHLQ(shift, ldb)
	lda3 := GP64()
	LEAQ(Mem{Base: lda, Index: lda, Scale: 2}, lda3)
	rows := []Mem{{Base: a}, {Base: a, Index: lda, Scale: 1}, {Base: a, Index: lda, Scale: 2}, {Base: a, Index: lda3, Scale: 1}}

	acc := make([][]VecVirtual, kn.mr)
	for i := range acc {
		acc[i] = make([]VecVirtual, kn.nv)
		for v := range acc[i] {
			acc[i][v] = kn.vec()
			if kn.avx512 {
				VPXORQ(acc[i][v], acc[i][v], acc[i][v])
			} else {
				VPXOR(acc[i][v], acc[i][v], acc[i][v])
			}
		}
	}
	bv := make([]VecVirtual, kn.nv)
	for v := range bv {
		bv[v] = kn.vec()
	}
	// One register per row of A: each value of A is loaded (broadcast) once
	// per step of k; AVX2's 16 registers leave room for one only.
	bcast := make([]VecVirtual, kn.mr)
	for i := range bcast {
		if i == 0 || kn.avx512 {
			bcast[i] = kn.vec()
		} else {
			bcast[i] = bcast[0]
		}
	}

	Comment("acc += a[p] (x) b[p], p = 0..k-1")
	Label(kn.name + "_loop")
	for v := range bv {
		load(kn, Mem{Base: b, Disp: v * kn.vecBytes()}, bv[v])
	}
	for i := 0; i < kn.mr; i++ {
		if kn.f64 {
			VBROADCASTSD(rows[i], bcast[i])
		} else {
			VBROADCASTSS(rows[i], bcast[i])
		}
		for v := range bv {
			if kn.f64 {
				VFMADD231PD(bcast[i], bv[v], acc[i][v])
			} else {
				VFMADD231PS(bcast[i], bv[v], acc[i][v])
			}
		}
	}
	ADDQ(aStep, a)
	ADDQ(ldb, b)
	DECQ(k)
	JNZ(LabelRef(kn.name + "_loop"))

	Comment("acc *= alpha; C = acc or C = beta*C + acc")
	alpha := broadcastParam(kn, "alpha")
	for i := range acc {
		for v := range acc[i] {
			if kn.f64 {
				VMULPD(alpha, acc[i][v], acc[i][v])
			} else {
				VMULPS(alpha, acc[i][v], acc[i][v])
			}
		}
	}
	c := Load(Param("c"), GP64())
	ldc := Load(Param("ldc"), GP64())
	SHLQ(shift, ldc)
	loadC := Load(Param("loadC"), GP8())
	CMPB(loadC, U8(0))
	JE(LabelRef(kn.name + "_store"))
	beta := broadcastParam(kn, "beta")
	cp := GP64()
	MOVQ(c, cp)
	for i := range acc {
		for v := range acc[i] {
			cm := Mem{Base: cp, Disp: v * kn.vecBytes()}
			if kn.f64 {
				VFMADD231PD(cm, beta, acc[i][v])
			} else {
				VFMADD231PS(cm, beta, acc[i][v])
			}
		}
		if i < kn.mr-1 {
			ADDQ(ldc, cp)
		}
	}
	Label(kn.name + "_store")
	for i := range acc {
		for v := range acc[i] {
			store(kn, acc[i][v], Mem{Base: c, Disp: v * kn.vecBytes()})
		}
		if i < kn.mr-1 {
			ADDQ(ldc, c)
		}
	}
	VZEROUPPER()
	RET()
}

func load(kn kernel, m Mem, r VecVirtual) {
	if kn.f64 {
		VMOVUPD(m, r)
	} else {
		VMOVUPS(m, r)
	}
}

func store(kn kernel, r VecVirtual, m Mem) {
	if kn.f64 {
		VMOVUPD(r, m)
	} else {
		VMOVUPS(r, m)
	}
}

// broadcastParam loads a scalar argument into every lane of a vector.
func broadcastParam(kn kernel, name string) VecVirtual {
	p, err := Param(name).Resolve()
	if err != nil {
		panic(err)
	}
	x := p.Addr
	r := kn.vec()
	if kn.f64 {
		VBROADCASTSD(x, r)
	} else {
		VBROADCASTSS(x, r)
	}
	return r
}

// genTranspose generates the packing of a transposed B (AVX): a strip of
// nr columns of op(B) = B^T, kb steps of k, dst[l*nr+j] = src[j*ldb+l],
// in 4 x 4 (float64) or 8 x 8 (float32) blocks; nr and kb are multiples
// of the block size.
func genTranspose(f64 bool) {
	elem, name, w, shift := "float32", "packTF32", 8, U8(2)
	if f64 {
		elem, name, w, shift = "float64", "packTF64", 4, U8(3)
	}
	TEXT(name, NOSPLIT, fmt.Sprintf("func(dst, src *%[1]s, ldb, kb, nr int)", elem))
	Doc(fmt.Sprintf("%s sets dst[l*nr+j] = src[j*ldb+l] for j < nr, l < kb (multiples of %d) with AVX.", name, w))
	dst := Load(Param("dst"), GP64())
	src := Load(Param("src"), GP64())
	ldb := Load(Param("ldb"), GP64())
	kb := Load(Param("kb"), GP64())
	nr := Load(Param("nr"), GP64())
	SHLQ(shift, ldb)
	ldb3 := GP64()
	LEAQ(Mem{Base: ldb, Index: ldb, Scale: 2}, ldb3)
	nrb := GP64() // bytes between rows of dst
	MOVQ(nr, nrb)
	SHLQ(shift, nrb)
	nrb3 := GP64()
	LEAQ(Mem{Base: nrb, Index: nrb, Scale: 2}, nrb3)
	j := GP64()
	XORQ(j, j)
	Label(name + "_cols")
	// s: row j of src; d: column j of dst.
	s, d := GP64(), GP64()
	MOVQ(j, s)
	IMULQ(ldb, s)
	ADDQ(src, s)
	LEAQ(Mem{Base: dst, Index: j, Scale: map[bool]uint8{true: 8, false: 4}[f64]}, d)
	l := GP64()
	MOVQ(kb, l)
	Label(name + "_steps")
	rowsAt := func(base Register) []Mem {
		return []Mem{{Base: base}, {Base: base, Index: ldb, Scale: 1}, {Base: base, Index: ldb, Scale: 2}, {Base: base, Index: ldb3, Scale: 1}}
	}
	outAt := func(base Register) []Mem {
		return []Mem{{Base: base}, {Base: base, Index: nrb, Scale: 1}, {Base: base, Index: nrb, Scale: 2}, {Base: base, Index: nrb3, Scale: 1}}
	}
	if f64 {
		r := make([]VecVirtual, 4)
		for i, m := range rowsAt(s) {
			r[i] = YMM()
			VMOVUPD(m, r[i])
		}
		t := []VecVirtual{YMM(), YMM(), YMM(), YMM()}
		VUNPCKLPD(r[1], r[0], t[0])
		VUNPCKHPD(r[1], r[0], t[1])
		VUNPCKLPD(r[3], r[2], t[2])
		VUNPCKHPD(r[3], r[2], t[3])
		o := []VecVirtual{YMM(), YMM(), YMM(), YMM()}
		VPERM2F128(U8(0x20), t[2], t[0], o[0])
		VPERM2F128(U8(0x20), t[3], t[1], o[1])
		VPERM2F128(U8(0x31), t[2], t[0], o[2])
		VPERM2F128(U8(0x31), t[3], t[1], o[3])
		for i, m := range outAt(d) {
			VMOVUPD(o[i], m)
		}
		ADDQ(U32(32), s)
		LEAQ(Mem{Base: d, Index: nrb, Scale: 4}, d)
	} else {
		s4 := GP64()
		LEAQ(Mem{Base: s, Index: ldb, Scale: 4}, s4)
		r := make([]VecVirtual, 8)
		for i, m := range append(rowsAt(s), rowsAt(s4)...) {
			r[i] = YMM()
			VMOVUPS(m, r[i])
		}
		t := make([]VecVirtual, 8)
		for i := range t {
			t[i] = YMM()
		}
		for q := 0; q < 8; q += 4 {
			VUNPCKLPS(r[q+1], r[q], t[q])
			VUNPCKHPS(r[q+1], r[q], t[q+1])
			VUNPCKLPS(r[q+3], r[q+2], t[q+2])
			VUNPCKHPS(r[q+3], r[q+2], t[q+3])
		}
		tt := make([]VecVirtual, 8)
		for i := range tt {
			tt[i] = YMM()
		}
		for q := 0; q < 8; q += 4 {
			VSHUFPS(U8(0x44), t[q+2], t[q], tt[q])
			VSHUFPS(U8(0xEE), t[q+2], t[q], tt[q+1])
			VSHUFPS(U8(0x44), t[q+3], t[q+1], tt[q+2])
			VSHUFPS(U8(0xEE), t[q+3], t[q+1], tt[q+3])
		}
		o := make([]VecVirtual, 8)
		for i := range 4 {
			o[i], o[i+4] = YMM(), YMM()
			VPERM2F128(U8(0x20), tt[i+4], tt[i], o[i])
			VPERM2F128(U8(0x31), tt[i+4], tt[i], o[i+4])
		}
		d4 := GP64()
		LEAQ(Mem{Base: d, Index: nrb, Scale: 4}, d4)
		for i, m := range append(outAt(d), outAt(d4)...) {
			VMOVUPS(o[i], m)
		}
		ADDQ(U32(32), s)
		LEAQ(Mem{Base: d4, Index: nrb, Scale: 4}, d)
	}
	SUBQ(U32(w), l)
	JNZ(LabelRef(name + "_steps"))
	ADDQ(U32(w), j)
	CMPQ(j, nr)
	JL(LabelRef(name + "_cols"))
	VZEROUPPER()
	RET()
}

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

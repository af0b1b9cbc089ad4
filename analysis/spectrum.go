package analysis

import (
	"cmp"
	"fmt"
	"math/cmplx"
	"slices"

	"gonum.org/v1/gonum/mat"
)

// SingularValues returns the min(rows, cols) singular values of a in
// descending order. a may have any shape.
//
// It returns an error wrapping ErrShape for an empty matrix, ErrNotFinite
// if a holds NaN or ±Inf, and ErrNoConvergence if the SVD fails.
func SingularValues(a mat.Matrix) ([]float64, error) {
	if err := checkMatrix("matrix", a); err != nil {
		return nil, err
	}
	var svd mat.SVD
	if !svd.Factorize(a, mat.SVDNone) {
		return nil, fmt.Errorf("%w: SVD", ErrNoConvergence)
	}
	return svd.Values(nil), nil
}

// FrobeniusNorm returns sqrt(sum_ij a_ij^2), which is also the square root
// of the sum of the squared singular values. It is NaN if a holds NaN.
//
// It is mat.Norm(a, 2): for a matrix, gonum's "2-norm" is the Frobenius
// norm, not the spectral norm.
func FrobeniusNorm(a mat.Matrix) float64 {
	return mat.Norm(a, 2)
}

// SpectralNorm returns the largest singular value of a, the operator norm
// max ||a x|| / ||x||. Errors are those of SingularValues.
func SpectralNorm(a mat.Matrix) (float64, error) {
	sv, err := SingularValues(a)
	if err != nil {
		return 0, err
	}
	return sv[0], nil
}

// Eigenvalues returns the eigenvalues of the square matrix a (W0, W or dW)
// sorted by descending modulus. Equal moduli, such as a complex conjugate
// pair, are ordered by descending real part and then by descending
// imaginary part, so the order is deterministic: a pair x ± iy comes as
// x + iy, x - iy.
//
// It returns an error wrapping ErrShape if a is not square or is empty,
// ErrNotFinite if a holds NaN or ±Inf, and ErrNoConvergence if the
// eigensolver fails.
func Eigenvalues(a mat.Matrix) ([]complex128, error) {
	r, c := a.Dims()
	if r != c {
		return nil, fmt.Errorf("%w: eigenvalues of a %d×%d matrix, which is not square", ErrShape, r, c)
	}
	if err := checkMatrix("matrix", a); err != nil {
		return nil, err
	}
	var eig mat.Eigen
	if !eig.Factorize(a, mat.EigenNone) {
		return nil, fmt.Errorf("%w: eigenvalues", ErrNoConvergence)
	}
	ev := eig.Values(nil)
	slices.SortFunc(ev, func(x, y complex128) int {
		if c := cmp.Compare(cmplx.Abs(y), cmplx.Abs(x)); c != 0 {
			return c
		}
		if c := cmp.Compare(real(y), real(x)); c != 0 {
			return c
		}
		return cmp.Compare(imag(y), imag(x))
	})
	return ev, nil
}

// Package enginetest is the test suite that every models.Engine passes.
//
// CheckGradients compares an engine's gradients with central finite
// differences of its own loss; CheckAgree compares two engines of one model
// on the same batch. Model packages call both from their tests, for every
// engine and configuration they support, so that a new engine is exact
// before it is fast.
package enginetest

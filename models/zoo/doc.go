// Package zoo is the registry of rnnlab's sequence models: a model name
// maps to a constructor from options (JSON), sizes and a seed, and to the
// engines that compute the model's loss and gradients.
//
// A model package registers itself in an init function:
//
//	func init() {
//		zoo.Register(zoo.Def[Options]{
//			Name:     "gru",
//			Doc:      "gated recurrent unit, PyTorch's torch.nn.GRU layout",
//			Defaults: DefaultOptions,
//			New:      New,
//		})
//	}
//
// and a program that should know the model imports the package for its
// side effect (the command line does so in cmd/rnnlab/zoo.go). Every model
// gets the "autodiff" engine (package models/autodiff); hand-written
// engines are registered beside it in Def.Engines. Options are decoded
// strictly: an option the model does not have is an error naming it.
package zoo

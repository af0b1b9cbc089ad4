// Package deploy holds no code: it is the home of the tests of the cluster
// scripts beside it (slurm/sweep.sbatch, slurm/collect.sbatch and
// k8s/sweep-job.yaml) and of the commands deploy/README.md gives.
//
//   - TestSlurmArray submits sweep.sbatch as a job array of 3 tasks of a
//     small flip-flop sweep to a running Slurm, waits for it with squeue
//     and sacct (or scontrol where the cluster keeps no accounting),
//     collects with collect.sbatch as a dependent job and compares
//     summary.csv byte for byte with a single-process sweep's. It then
//     cancels one task while it trains, resubmits, and gets the same
//     summary, with no half-written cell visible at any point; and submits
//     an array whose flags differ from the directory's sweep.json, whose
//     tasks fail naming the flag. Without a running Slurm it skips, saying
//     why; with RNNLAB_REQUIRE_SLURM set (CI starts a one-node cluster with
//     .ci/slurm up) it fails instead.
//   - TestSbatchScripts runs the two scripts with bash and a stand-in
//     rnnlab, without Slurm: flags after the script name, from
//     RNNLAB_SWEEP_FLAGS, the defaults, and the refused --out and --shard.
//   - TestReadmeCommands checks that deploy/README.md gives the commands
//     TestSlurmArray runs.
//   - TestK8sManifest parses the Indexed Job with a YAML decoder that
//     refuses unknown fields, checks the fields rnnlab depends on
//     (completion mode, completions against RNNLAB_SHARD_COUNT, the
//     shared volume under --out), and starts rnnlab with the manifest's
//     arguments and the environment Kubernetes gives a pod, until it
//     reports the shard it read.
//
// The tests build rnnlab once (go build ./cmd/rnnlab) into a temporary
// directory.
package deploy

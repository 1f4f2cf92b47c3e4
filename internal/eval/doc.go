// Package eval measures triage accuracy with the "family photo → archive"
// protocol: for each identity with two or more photos, one photo is the
// family's reference (the probe) and the others go into the archive;
// identities with one photo are distractors, in the archive only. It
// reports how often the right person is among the first 1, 5, 10 and 20
// individuals, the median rank, how many images a family would look at
// before reaching them, how many photos had no face, the CMC curve, and
// the verification figures (false match rate against distance) from which
// the product's "strong", "possible" and "weak" thresholds are chosen.
package eval

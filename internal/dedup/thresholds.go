package dedup

// Every threshold of near-duplicate detection and of the consistency
// check. Distances are euclidean distances between dlib face descriptors;
// hash distances are bits of 64. Measured on LFW (deep-funneled, 250×250)
// with the real engine: see benchmarks/README.md, "Near-duplicates", for
// the command and the figures.
const (
	// HashNear: photos whose whole-photo hashes differ in at most this many
	// bits are candidates. A copy re-encoded at JPEG quality 60 or halved
	// differed in at most 7 bits (99 % in at most 4) from its original;
	// two different LFW photos in 6 or more, and 99.99 % of pairs in 12 or
	// more. Cropping 5 % off each side moves the hash by 12 to 24 bits:
	// crops are found by their faces (FaceNear).
	HashNear = 8

	// FaceNearHashed: a candidate found by its hash is confirmed when the
	// faces pair up within this distance. Halving a 250-pixel photo moves
	// its face's descriptor by up to 0.36 (halved and re-encoded at
	// quality 60: 0.41); two different people's faces are that near in
	// fewer than 1 pair in 10,000.
	FaceNearHashed = 0.45

	// FaceNear: without the hash, a face of a candidate must lie this near
	// (and all faces pair up within it). Cropping a photo moved its face's
	// descriptor by 0.07 in 90 % of crops; two different photographs of one
	// person were never nearer than 0.185 in 625 pairs (1 % under 0.23).
	FaceNear = 0.15
)

// Disagree: a face of a numbered individual whose median distance to the
// individual's other faces is above it disagrees with them
// (Disagreements). It is the per-pair "weak" level of internal/match: on
// LFW 98.4 % of two photos of one person lie nearer, and 9.8 % of two
// different people's faces. With three other faces, a face of another
// person then escapes with probability about 3 % (two of three pairs that
// near), and a face of the same person is flagged with probability about
// 0.1 %, if pairs were independent; the end-to-end test checks one case.
const Disagree = 0.701

// Package cases is casework: a case for each missing person, the family's
// reference photos, the shortlist of individuals the archive holds that
// look like them, and the reviewers' decisions.
//
// The shortlist ranks individuals by their nearest face to any of the
// case's reference faces. A candidate a reviewer excluded never comes back
// for that case: it is filtered out of every later search. Practitioners
// report "possible match" or "excluded", never an identification; an
// identification is a reviewer's decision, recorded with its author and
// time, and only a candidate already marked possible can be identified.
//
// When a new cache has been ingested, every open case is matched again
// (Rematch): candidates that were not on its list before and are at least
// a possible match are flagged for review.
package cases

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
//
// A case belongs to its members: the caseworker who owns it, and the
// caseworkers and reviewers it is shared with (Share, Unshare, Reassign,
// each audited). Every method takes the actor and checks, where the data
// is, that it is a member with the role the action needs; to anyone else
// the case does not exist (ErrNotFound). Reviewers see what they judge —
// faces, notes, the shortlist — and not the family's contact. Every image
// shown is audited before it is returned, and counted once per person and
// image (bucket ft_shown) without rewriting the case.
package cases

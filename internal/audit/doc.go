// Package audit is the tamper-evident audit trail: every login, search,
// image view, decision and export is appended as one record to the
// JetStream stream FT_AUDIT, and the records form a SHA-256 hash chain.
//
// What it guarantees:
//
//   - Append-only through the API. The stream denies message deletes and
//     purges and has no age, size or count limits; Open refuses an existing
//     stream configured otherwise, and Verify reports such settings and the
//     records they discarded (the server accepts max_msgs, max_bytes,
//     max_msgs_per_subject, max_age, a TTL and an interest retention on a
//     live stream; it refuses lifting deny_delete or deny_purge, rollups
//     and a change of storage).
//   - One linear chain. Each record holds the hash of the record before it
//     (Prev) and its own hash (Hash) over a canonical encoding of every
//     field but Seq. Appends publish with an expected last sequence, so the
//     server serialises any number of appenders in any number of processes:
//     a loser re-reads the tail and tries again.
//   - A head anchor in NATS. The newest record's sequence and hash are also
//     kept in the key-value bucket ft_audit_head. The anchor only moves
//     forward along the chain it anchors: if the log was cut and grew
//     again, or the anchor was deleted, it stays as it is, and Verify keeps
//     reporting it.
//   - A head witness outside NATS (WithWitness). The head file
//     DATA/audit-head.json names a record (sequence and hash) and when the
//     stream was created, signed with the installation's Ed25519 key. It
//     follows appends 2 to 4 seconds behind (witnessDelay), and only moves
//     forward along its own chain. `facetriage audit head` prints a signed
//     head to keep elsewhere; Verify takes such heads as Witnesses.
//   - Nothing starts a new chain silently. Open makes the stream and the
//     anchor bucket only for a new installation: it fails with ErrDamaged
//     when the stream is gone while the anchor or the head file remains,
//     when the anchor bucket is gone while the stream holds records, when
//     records were removed from the start, or when the stream no longer
//     reaches, or differs at, or is not the stream of, the record a witness
//     names. Inspect and Verify create nothing. Restart is the operator's
//     way on: it keeps what remains in a file, and the new trail's first
//     record (ActionTrailStart) chains to the old head and says why.
//   - Verify reads every sequence and reports, each with its sequence: a
//     record whose bytes were altered (its hash does not match), a broken
//     link, a missing record (deleted in storage, or removed from the
//     start), a record the server holds but cannot read or decode, a log
//     that ends before a witness or disagrees with it, a stream made again
//     (its creation time is not the witness's), and a stream or anchor
//     bucket that does not exist.
//
// Its limits:
//
//   - It makes tampering evident; it does not prevent it. Whoever can write
//     the data directory (the stream's files, the head file and the signing
//     key) can rewrite everything consistently, or delete everything so
//     that the installation looks new. A head kept elsewhere — a ticket, an
//     email, paper — closes that: a rewritten or restarted trail cannot
//     match it.
//   - The head file lags by witnessDelay, so that a power loss (the
//     embedded server syncs every second) does not leave it naming records
//     the stream lost. A cut of only the last few seconds of records, made
//     together with a consistent rewrite of the anchor, escapes it.
//   - The chain proves order and integrity, not authorship: a client
//     allowed to publish on ft.audit.> can append a record that chains
//     correctly, and one that does not decode stops Append (below). Only
//     facetriage's own processes should have that permission.
//   - A crash or power loss within the server's sync interval can lose the
//     last acknowledged records; Verify reports that as a truncation, which
//     it is, and Open then refuses until Restart records it.
//   - Read and ForCase do not check the chain; Verify does. Times come from
//     the appender's clock; the order that counts is the sequence.
//   - Append refuses to extend a log whose last record it cannot read
//     (ErrCorrupt): it fails closed, and the operator runs Verify.
package audit

// Package audit is the tamper-evident audit trail: every login, search,
// image view, decision and export is appended as one record to the
// JetStream stream FT_AUDIT, and the records form a SHA-256 hash chain.
//
// What it guarantees:
//
//   - Append-only through the API. The stream denies message deletes and
//     purges and has no age, size or count limits; Open refuses an existing
//     stream configured otherwise, and Verify reports such settings.
//   - One linear chain. Each record holds the hash of the record before it
//     (Prev) and its own hash (Hash) over a canonical encoding of every
//     field but Seq. Appends publish with an expected last sequence, so the
//     server serialises any number of appenders in any number of processes:
//     a loser re-reads the tail and tries again.
//   - A head anchor. The newest record's sequence and hash are also kept in
//     the key-value bucket ft_audit_head. The anchor only moves forward along
//     the chain it anchors: if the log was cut and grew again, it stays put,
//     and Verify keeps reporting the mismatch.
//   - Verify reads every sequence and reports, each with its sequence: a
//     record whose bytes were altered (its hash does not match), a broken
//     link (Prev is not the previous record's hash), a missing record
//     (deleted in storage, or removed from the start), a record the server
//     holds but cannot read (its checksum fails) or that does not decode,
//     and a log that ends before the anchor or disagrees with it.
//
// Its limits:
//
//   - It makes tampering evident; it does not prevent it. Whoever can write
//     both the stream's files and the anchor bucket (or administer the NATS
//     account and recreate both) can rewrite the whole chain consistently.
//     Keeping the head that Verify reports (`facetriage audit verify` prints
//     it) somewhere else — a ticket, an email, paper — closes that: pass it
//     back to Verify later, and a rewritten chain cannot match it.
//   - The chain proves order and integrity, not authorship: a client
//     allowed to publish on ft.audit.> can append a record that chains
//     correctly, and one that does not decode stops Append (below). Only
//     facetriage's own processes should have that permission.
//   - A power loss within the server's sync interval (one second embedded)
//     can lose the last acknowledged records; Verify reports that as a
//     truncation, which it is.
//   - Read and ForCase do not check the chain; Verify does. Times come from
//     the appender's clock; the order that counts is the sequence.
//   - Append refuses to extend a log whose last record it cannot read
//     (ErrCorrupt): it fails closed, and the operator runs Verify.
package audit

package bus

import (
	"github.com/nats-io/nats-server/v2/server"
)

// Roles of NATS users. Each facetriage process connects as one of them and
// uses that role's inbox prefix (InboxPrefix), so that a user may subscribe
// to the replies meant for it and to nothing else.
//
//   - RoleAPI: `serve` and the commands that act for it (ingest, status,
//     search, users, audit). Everything except reconfiguring, deleting or
//     purging the audit trail (FT_AUDIT) and its head anchor (KV_ft_audit_head),
//     or deleting their messages. It may create them.
//   - RoleDecode, RoleFaces, RoleIndex: one pipeline stage each. Their own
//     work queue's consumer, the next stage's subject, and the pipeline's
//     buckets (catalogue, face records, individuals, failures, hashes), whose
//     streams refuse roll-ups and purges (ensureRecordBucket); only the
//     faces stage writes the crops.
//     Nothing of accounts, sessions, tokens, cases, references or the audit
//     trail, and no stream administration.
//   - RoleOps (the embedded server's administrative user): everything;
//     for backup, restore and repairs.
const (
	RoleAPI    = "api"
	RoleDecode = StageDecode
	RoleFaces  = StageFaces
	RoleIndex  = StageIndex
	RoleOps    = "ops"
)

// Names of the audit trail's stream and anchor bucket (package audit owns
// them; a test checks they agree).
const (
	auditStream     = "FT_AUDIT"
	auditHeadBucket = "ft_audit_head"
)

// InboxPrefix is the prefix of a role's reply subjects.
func InboxPrefix(role string) string { return "_INBOX_" + role }

// Permissions are the NATS permissions of a role; nil (everything) for
// RoleOps and for an unknown role's caller to reject.
func Permissions(role string) *server.Permissions {
	switch role {
	case RoleAPI:
		return apiPermissions()
	case RoleDecode, RoleFaces, RoleIndex:
		return stagePermissions(role)
	}
	return nil
}

// AuditAdminSubjects are the JetStream API subjects that reconfigure,
// delete, purge or remove messages from the audit trail or its anchor:
// denied to every role but RoleOps.
func AuditAdminSubjects() []string {
	var out []string
	for _, s := range []string{auditStream, "KV_" + auditHeadBucket} {
		for _, op := range []string{"UPDATE", "DELETE", "PURGE", "MSG.DELETE", "RESTORE", "PEER.REMOVE"} {
			out = append(out, "$JS.API.STREAM."+op+"."+s)
		}
	}
	return append(out, "$JS.API.ACCOUNT.PURGE.>")
}

func apiPermissions() *server.Permissions {
	return &server.Permissions{
		Publish:   &server.SubjectPermission{Allow: []string{">"}, Deny: AuditAdminSubjects()},
		Subscribe: &server.SubjectPermission{Allow: []string{">"}},
	}
}

// pipelineStreams are the buckets every stage binds to (archive.Open).
func pipelineStreams() []string {
	var out []string
	for _, b := range RecordBuckets {
		out = append(out, "KV_"+b)
	}
	return append(out, "OBJ_"+ObjectCrops)
}

// nextStage is the stage a stage publishes to ("" for the last).
func nextStage(stage string) string {
	for i, s := range Stages {
		if s == stage && i+1 < len(Stages) {
			return Stages[i+1]
		}
	}
	return ""
}

func stagePermissions(stage string) *server.Permissions {
	queue, durable := StreamOf(stage), stage
	pub := []string{
		"$JS.API.INFO",
		"$JS.API.STREAM.INFO." + queue,
		"$JS.API.CONSUMER.INFO." + queue + "." + durable,
		"$JS.API.CONSUMER.MSG.NEXT." + queue + "." + durable,
		// Acknowledgements, in both of the server's reply formats.
		"$JS.ACK." + queue + "." + durable + ".>",
		"$JS.ACK.*.*." + queue + "." + durable + ".>",
	}
	if stage == StageFaces {
		// Only the faces stage writes crops. An object put replaces the
		// object's chunks by purging the old ones: a purge the server
		// cannot restrict to one object, so only this stage holds it.
		pub = append(pub, "$JS.API.STREAM.PURGE.OBJ_"+ObjectCrops, "$O."+ObjectCrops+".>")
	}
	for _, b := range RecordBuckets {
		pub = append(pub, "$KV."+b+".>")
	}
	for _, s := range pipelineStreams() {
		pub = append(pub,
			"$JS.API.STREAM.INFO."+s,
			"$JS.API.STREAM.MSG.GET."+s,
			"$JS.API.DIRECT.GET."+s,
			"$JS.API.DIRECT.GET."+s+".>",
			// Watches, key listings and object reads use ordered consumers.
			"$JS.API.CONSUMER.CREATE."+s,
			"$JS.API.CONSUMER.CREATE."+s+".>",
			"$JS.API.CONSUMER.DELETE."+s+".>",
			"$JS.API.CONSUMER.INFO."+s+".>",
			"$JS.API.CONSUMER.MSG.NEXT."+s+".>",
			"$JS.FC."+s+".>",
			"$JS.FC.*.*."+s+".>",
		)
	}
	if next := nextStage(stage); next != "" {
		pub = append(pub, SubjectOf(next))
	}
	return &server.Permissions{
		Publish: &server.SubjectPermission{Allow: pub},
		Subscribe: &server.SubjectPermission{Allow: []string{
			InboxPrefix(stage) + ".>",
			"$JS.EVENT.ADVISORY.CONSUMER.MAX_DELIVERIES." + queue + "." + durable,
		}},
	}
}

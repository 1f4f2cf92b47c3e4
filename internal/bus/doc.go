// Package bus is facetriage's use of NATS JetStream: the embedded server of
// the default mode, the connection to it or to a cluster, and the streams,
// consumers, key-value buckets and object store that the pipeline and the
// catalogue use. The embedded and scale-out modes run the same client code;
// only the URL differs.
package bus

/**
 * The arithmetic of parameter averaging, Spark-free: rounds and step counts, the workers' mean (on the
 * driver, or among the workers themselves by {@code SliceAllReduce}), the outer step, where a round's time
 * goes and what larger clusters would gain.
 */
package io.digitloc.rounds;

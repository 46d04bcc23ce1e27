/**
 * The Spark-free core: what the model takes and gives, usable in any JVM (a Spark task, a CLI, a
 * user's own program). Imports DL4J and ND4J, never Spark.
 */
package io.digitloc.core;

/** The evaluate stage: the model broadcast to the executors, figures aggregated with Spark, the report written. */
package io.digitloc.eval;

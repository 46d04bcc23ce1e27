/**
 * Scheduled retraining: a registry of runs on any Hadoop filesystem, its lock, the promotion rule (pure)
 * and {@code RetrainJob}, the only class here that touches Spark.
 */
package io.digitloc.registry;

/**
 * The training engine behind dl4j-spark's {@code SparkComputationGraph}: the project's
 * {@code ParameterAveragingMaster} (dl4j-spark's master, mended) runs an epoch's rounds as one barrier
 * stage of long-lived workers that average among themselves over Spark's authenticated transport
 * ({@code BarrierRounds}, {@code BarrierWorker}, {@code Tracker}, {@code PeerLink}). Its arithmetic is in
 * {@code rounds}.
 */
package io.digitloc.engine;

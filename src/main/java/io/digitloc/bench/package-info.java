/**
 * The benchmark command's measurements: training throughput in one JVM and through Spark
 * parameter averaging, inference throughput, generation speed and peak memory. Speed is measured
 * here, never in tests.
 */
package io.digitloc.bench;

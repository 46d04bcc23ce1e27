/**
 * The machine under the JVM: which native build of ND4J to load and with which switches
 * ({@link io.digitloc.platform.NativeSetup}), native thread counts, and whether the GPU can run the CUDA
 * build ({@link io.digitloc.platform.GpuSupport}, which asks {@code nvidia-smi}). Set up first in every
 * JVM that trains or predicts. Nothing of the project below it; no Spark.
 */
package io.digitloc.platform;

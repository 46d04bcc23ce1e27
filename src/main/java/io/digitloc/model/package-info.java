/**
 * The network and the native set-up it needs: the dual-output ComputationGraph
 * ({@code featureExtractor}, {@code classifier}, {@code boundingBoxRegression}, {@code finalModel})
 * and {@link io.digitloc.model.NativeSetup}. No Spark here.
 */
package io.digitloc.model;

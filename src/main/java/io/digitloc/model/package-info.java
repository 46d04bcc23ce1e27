/**
 * The network and the native set-up it needs: the dual-output ComputationGraph
 * ({@code featureExtractor}, {@code classifier}, {@code boundingBoxRegression}, {@code untrained})
 * and {@link io.digitloc.model.NativeSetup}. Two DL4J layers have faster versions of the same function
 * here ({@link io.digitloc.model.FastConvolution}, {@link io.digitloc.model.AveragePooling2x2}),
 * configuration classes paired with their layer implementations as DL4J's own are. No Spark here.
 */
package io.digitloc.model;

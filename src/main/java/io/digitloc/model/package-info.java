/**
 * The network: the dual-output ComputationGraph ({@code featureExtractor}, {@code classifier},
 * {@code boundingBoxRegression}, {@code untrained}), saved and loaded with DL4J's stock layers. Two DL4J
 * layers have faster versions of the same function here ({@link io.digitloc.model.FastConvolution},
 * {@link io.digitloc.model.AveragePooling2x2}), configuration classes paired with their layer
 * implementations as DL4J's own are. The native set-up the network needs is {@link io.digitloc.platform}.
 * No Spark here.
 */
package io.digitloc.model;

/**
 * The trained network in formats other runtimes read: {@link io.digitloc.export.OnnxExport} writes the
 * project's network as an ONNX graph (opset 17) after {@code StockNetwork} has checked, layer by layer,
 * that the DL4J graph is that network. Built on the ONNX protobuf classes ND4J ships; no Spark here.
 */
package io.digitloc.export;

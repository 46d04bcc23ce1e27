/**
 * The generate stage: IDX reading ({@link io.digitloc.data.IdxReader}, {@link io.digitloc.data.IdxSource}),
 * canvas synthesis ({@link io.digitloc.data.CanvasSynthesizer}, pure Java), the Parquet schema
 * ({@link io.digitloc.data.CanvasSchema}), the dataset manifest, and the thin Spark job
 * ({@link io.digitloc.data.GenerateJob}) that ties them together.
 */
package io.digitloc.data;

/**
 * What people look at: the picture grid of predictions ({@link io.digitloc.report.PredictionGrid},
 * true box green, predicted box red, predicted digit beneath) and the self-contained HTML report
 * ({@link io.digitloc.report.HtmlReport}) with inline SVG charts. Pure Java (Java2D), no Spark.
 */
package io.digitloc.report;

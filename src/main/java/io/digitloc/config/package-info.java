/**
 * Settings: one immutable, validated {@link io.digitloc.config.Settings} per run, built from
 * {@code conf/pipeline.conf}, a user file and command-line overrides. No Spark here.
 */
package io.digitloc.config;

/**
 * Settings for applications built on the SDK: {@link io.smainer.config.Settings} reads defaults, then an
 * optional properties file, then environment variables that the caller passes in as a map (the SDK itself
 * never reads the process environment), and reports every bad setting at once in a
 * {@link io.smainer.config.ConfigException}. The reference relayer and the reference provider both use it.
 */
package io.smainer.config;

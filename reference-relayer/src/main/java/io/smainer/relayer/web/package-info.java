/**
 * The relayer's dashboard: static files served at {@code /} by
 * {@link io.smainer.relayer.web.DashboardHandler}, drawing from the REST API.
 */
package io.smainer.relayer.web;

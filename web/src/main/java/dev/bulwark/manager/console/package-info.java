/**
 * The web console: server-rendered pages (Thymeleaf) over the manager's own services, with htmx for
 * partial updates and uPlot for charts, both served as webjars; no JavaScript build. People sign in
 * with a form (session cookie, CSRF token on every change); each page and action checks the role.
 * Every value is escaped by the templates; query parameters are parsed here and refused with a
 * readable message when malformed.
 */
package dev.bulwark.manager.console;

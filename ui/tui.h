/*
 * tui.h - the terminal backend: the only module that talks to curses.
 *
 * It starts and restores the terminal (on every exit path: normal return,
 * exit(), SIGINT/SIGTERM/SIGHUP, crashes), maps canvas colour roles onto
 * colour pairs (256 colours, 8 colours, or none with NO_COLOR), draws a
 * canvas by touching only the cells that changed since the last frame, and
 * turns key presses and mouse events into struct key_input (keys.h).
 * One terminal per process; call everything from the UI thread.
 */
#ifndef CV_TUI_H
#define CV_TUI_H

#include <stdbool.h>
#include <stddef.h>

struct canvas;
struct key_input;

/* Check that stdin/stdout are a terminal able to draw the UI (TERM set, not
 * "dumb", cursor addressing). Returns 0, or -1 with the one-line message
 * ("concviz: ...") to print in err. Does not touch the screen. */
int tui_check(char *err, size_t errlen);

/* Take over the terminal (the caller has called setlocale). Installs the
 * signal handlers and an atexit hook that restore it. Returns 0, or -1 with
 * a one-line message in err and the terminal untouched. */
int tui_start(char *err, size_t errlen);

/* Restore the terminal and free curses' screen; safe to call twice. */
void tui_stop(void);

/* The terminal size in cells. */
void tui_size(int *w, int *h);

/* True when the locale's codeset is UTF-8 (block glyphs allowed). */
bool tui_utf8(void);

/* True when colours are in use (false with NO_COLOR or a mono terminal). */
bool tui_colors(void);

/* Draw a canvas, touching only the cells that changed since the last call
 * (all of them after a resize or tui_invalidate), then refresh. */
void tui_draw(const struct canvas *c);

/* Forget what is on screen: the next tui_draw repaints every cell. */
void tui_invalidate(void);

/* Wait up to timeout_ms for one input event; returns 1 with *in filled,
 * 0 on timeout or interruption by a signal. KEYS_RESIZE means the terminal
 * changed size (tui_size has the new one). */
int tui_read(struct key_input *in, int timeout_ms);

/* The quit signal received (SIGINT, SIGTERM, SIGHUP), or 0. */
int tui_quit_signal(void);

#endif

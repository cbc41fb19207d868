/*
 * view.h - the screens of concviz, drawn from a session + timeline into a canvas.
 *
 * A view never touches a terminal: view_draw() fills a whole canvas (header,
 * body, footer) from a struct view_ctx, so the same code serves the ncurses
 * UI (tui.c / app.c), `concviz show` and the golden tests. The views:
 * Gantt (one row per lane), Compare (every run of the session), Loop (the
 * event loop's iterations), Log (newest events), Findings (what limits the
 * run, findings.h) and Help (hotkeys + legend).
 *
 * The caller owns a struct view_state per screen (what is visible: time
 * window, scrolled lanes, selection) and changes it through the helpers
 * below (zoom, pan, scroll, fit). view_draw() also writes into it: it applies
 * follow mode (the window actually drawn is stored back in t0/span_ns),
 * clamps the scroll position and records the geometry of the Gantt area so
 * that view_hit() can map a mouse position to a lane and a time.
 *
 * Times are ns from the timeline's origin (timeline.h). Single-threaded:
 * call from the thread that owns the timeline.
 */
#ifndef CV_VIEW_H
#define CV_VIEW_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include "canvas.h"
#include "findings.h"
#include "session.h"
#include "stats.h"
#include "timeline.h"

enum view_id { VIEW_GANTT = 0, VIEW_COMPARE, VIEW_LOOP, VIEW_LOG, VIEW_FINDINGS, VIEW_HELP, VIEW_COUNT };

#define VIEW_LABEL_W 12   /* width of the lane-name column of the Gantt view */
#define VIEW_LABEL_W_TRACE 22 /* the same for a traced program ("comm tid" names) */

/* What is visible; owned by the caller, updated by the helpers and view_draw. */
struct view_state {
	int64_t t0;          /* left edge of the Gantt window, ns from origin */
	int64_t span_ns;     /* ns per Gantt cell; <= 0 = not yet known (fit) */
	bool follow;         /* fit what exists so far / the whole run when done */
	bool paused;         /* shown in the header ("PAUSED") */
	bool help;           /* draw the help screen over the current view */
	int top_lane;        /* first lane shown (scroll) */
	int sel_lane;        /* selected lane for the detail line, -1 = none */
	int64_t sel_t;       /* selected time on sel_lane */
	int log_top;         /* Log view: newest events skipped (scroll), 0 = newest */
	/* Findings view: the selected finding and the first one drawn */
	int find_sel, find_top;
	int find_y[FINDINGS_MAX + 1]; /* written by view_draw: row of each finding drawn, -1 none */
	/* the finding shown in the Gantt view (Enter / click in Findings) */
	char hl_id[FINDING_ID_MAX];   /* "" = none */
	int64_t hl_t0, hl_t1;         /* its time range, highlighted */
	bool fit_range;               /* the next Gantt draw fits [fit_t0, fit_t1) */
	int64_t fit_t0, fit_t1;
	/* written by view_draw: where the last Gantt body was drawn */
	int gx, gy, gw, gh;  /* cells area: x, y, width (time cells), height (lanes) */
	int lanes_shown;     /* lanes drawn (<= gh) */
};

/* Everything a view reads. Pointers are borrowed for the duration of a call. */
struct view_ctx {
	const struct session *s;       /* may be NULL (nothing running yet) */
	const struct timeline *tl;     /* may be NULL */
	struct view_state *vs;         /* required by view_draw */
	const struct cv_summary *runs; /* every finished run of this session (Compare) */
	const struct finding_brief *briefs; /* their top findings, parallel to runs; may be NULL */
	size_t nruns;
	const struct findings *findings;    /* the current run's findings; NULL = none computed */
	const char *target;            /* "127.0.0.1:8080"; NULL = derived from the session */
	const char *message;           /* status line (errors, "recording to x.cvz"), or NULL */
	int64_t now;                   /* current time, ns from origin: live = clock - origin,
	                                  replay = play head; < 0 = tl->now */
	double speed;                  /* replay speed (1.0 = real time) */
	bool live;                     /* a run is in progress */
	bool done;                     /* the run has finished (every task ended) */
	bool replay;                   /* showing a recording */
	bool recording;                /* REC indicator */
	bool no_chrome;                /* `show`: no footer hotkeys, no status line */
};

/* Initialise a view state: follow on, nothing selected, top of the list. */
void view_state_init(struct view_state *vs);

/* Draw the whole screen of view v (header, body, footer; the help screen
 * when v is VIEW_HELP or vs->help) into c. Never writes outside c, whatever
 * its size (0x0 included). */
void view_draw(struct canvas *c, enum view_id v, const struct view_ctx *ctx);

/* Return the canvas height view v needs at width w to show everything
 * without scrolling (every lane, every run, every finding), frame included;
 * for `concviz show`. */
int view_rows_needed(enum view_id v, const struct view_ctx *ctx, int w);

/* Return the name of a view ("gantt", "compare", "loop", "log", "findings", "help"). */
const char *view_name(enum view_id v);

/* Parse a view name; returns 0 or -1. */
int view_parse(const char *name, enum view_id *out);

/* Map a cell (x, y) of the last drawn Gantt body to a lane and a time
 * (the middle of the cell); false when (x, y) is not on a lane cell. */
bool view_hit(const struct view_state *vs, const struct view_ctx *ctx, int x, int y,
	      int *lane, int64_t *t);

/* Write the detail line of the span of `lane` at time t into buf (task name,
 * lane, state, start, duration, bytes, status or failure); returns false
 * (buf = "") when there is no span there. */
bool view_detail(const struct view_ctx *ctx, int lane, int64_t t, char *buf, size_t n);

/* Zoom by factor (< 1 zooms in, > 1 out) keeping time `around` at the same
 * cell; turns follow off. Needs a drawn frame (vs->gw > 0) to know the window. */
void view_zoom(struct view_state *vs, double factor, int64_t around);

/* Pan by `cells` Gantt cells (negative = earlier); turns follow off. */
void view_pan(struct view_state *vs, int cells);

/* Scroll the lanes by `rows` (negative = up); clamped at the next draw. */
void view_scroll(struct view_state *vs, int rows);

/* Turn follow on: the next draw fits the run (so far) into the window. */
void view_fit(struct view_state *vs);

/* Return the middle of the visible time window (for keyboard zoom). */
int64_t view_center(const struct view_state *vs);

/* Move the Findings selection by delta (clamped to ctx's findings). */
void view_findings_select(struct view_state *vs, const struct view_ctx *ctx, int delta);

/* Return the finding drawn at row y of the last Findings frame, or -1. */
int view_findings_hit(const struct view_state *vs, int y);

/* Show finding i in the Gantt view: the next draw fits its time range (with
 * a margin), scrolls to its first lane and highlights its lanes and range.
 * Returns false when there is no such finding. */
bool view_findings_show(struct view_state *vs, const struct view_ctx *ctx, int i);

/* Forget the highlighted finding. */
void view_findings_clear(struct view_state *vs);

#endif

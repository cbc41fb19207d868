/*
 * app_int.h - what the live UI (app.c), the traced UI (app_trace.c) and the
 * replay UI (app_replay.c) share (not part of the app API): the screen
 * (canvas + view state + the current view), the message line, the
 * navigation keys every view obeys, drawing a frame, and the run's findings
 * kept up to date.
 */
#ifndef CV_APP_INT_H
#define CV_APP_INT_H

#include <stdbool.h>
#include <stdint.h>
#include <stddef.h>
#include "canvas.h"
#include "findings.h"
#include "keys.h"
#include "view.h"

#define APP_FRAME_NS 33000000ull   /* ~30 frames per second */
#define APP_MSG_NS 6000000000ull   /* how long an ordinary message stays */
#define APP_FINDINGS_NS 250000000ull /* findings are brought up to date at most this often */

struct app_ui {
	struct canvas cv;
	struct view_state vs;
	enum view_id view;        /* the current view (never VIEW_HELP: that is vs.help) */
	char msg[320];            /* the message line, "" when none */
	uint64_t msg_until;       /* clock_ns() when it goes away; 0 = stays */
	bool dirty;               /* something changed: draw the next frame */
};

/* The findings of the run on screen. */
struct app_findings {
	struct findings_state fs;
	uint64_t next;            /* clock_ns() of the next update */
	uint64_t events;          /* the timeline's events at the last update */
	int done;                 /* whether the run was over then; -1: no update yet */
};

/* Start f with no findings. */
void app_findings_init(struct app_findings *f);

/* Forget the findings: a new run (or a seek back) starts; the first live
 * update comes at clock_ns() `first` (0: at once). */
void app_findings_reset(struct app_findings *f, uint64_t first);

/* Free what f holds. */
void app_findings_free(struct app_findings *f);

/* Bring the findings up to date with the run (s, tl): once on the whole of
 * it when it is over (done), while it goes on at most every APP_FINDINGS_NS
 * and only when it has new events; true when they were computed (draw
 * again). */
bool app_findings_update(struct app_findings *f, const struct session *s,
			 const struct timeline *tl, bool done, uint64_t now);

/* Check that the terminal can draw the UI (printing the one-line reason
 * when not) and take the user's locale; 0 or the exit status (2). */
int app_ui_check(void);

/* Allocate a zeroed UI state of size bytes, printing the one-line message
 * when out of memory; NULL then (exit status 1). */
void *app_ui_alloc(size_t size);

/* Start the terminal and a canvas of its size. Returns 0, or the exit status
 * (2) after printing the one-line reason. The caller has called setlocale. */
int app_ui_open(struct app_ui *u);

/* Restore the terminal and free the canvas. */
void app_ui_close(struct app_ui *u);

/* Show a message for secs seconds (0 = until replaced). */
void app_ui_message(struct app_ui *u, double secs, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* Return the message to show now (NULL when none or expired). */
const char *app_ui_msg_now(struct app_ui *u, uint64_t now);

/* Handle the actions every view shares (zoom, pan, scroll, fit, views, help,
 * click, resize). Returns true when a was one of them. ctx is the context of
 * the last frame (for clicks and the wheel). */
bool app_ui_navigate(struct app_ui *u, const struct key_action *a, const struct view_ctx *ctx);

struct runner;

/* Start recording run r to a new concviz-YYYYMMDD-HHMMSS.cvz (never
 * overwriting), its name into path[n] ("" when none could start); say so
 * on the message line. A finished run is written whole and closed at once. */
void app_ui_record_start(struct app_ui *u, struct runner *r, char *path, size_t n);

/* Stop recording run r (to path, then path = ""), saying where it went and
 * why (" (the run finished)"); nothing when r is not recording. */
void app_ui_record_stop(struct app_ui *u, struct runner *r, char *path, const char *why);

/* Draw the current view into the canvas and onto the terminal. */
void app_ui_render(struct app_ui *u, const struct view_ctx *ctx);

/* One turn of a live frame loop: draw ctx when the frame is due (*next,
 * clock_ns() time) and something changed, then wait for input until the
 * next frame; returns the action (ACT_NONE on timeout). */
struct key_action app_ui_frame(struct app_ui *u, const struct view_ctx *ctx, uint64_t *next,
			       enum keys_ctx kctx);

/* Read input for up to timeout_ms and decode it for ctx; ACT_NONE on timeout. */
struct key_action app_ui_input(struct app_ui *u, int timeout_ms, enum keys_ctx kctx);

#endif

/*
 * app_ui.c - the screen shared by the live UI and the replay UI: opening and
 * closing the terminal, the message line, the keys every view obeys (zoom,
 * pan, scroll, fit, Tab, help, mouse, the Findings view's selection),
 * recording on demand (R) and drawing one frame.
 * UI thread only.
 */
#include <locale.h>
#include <stdarg.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include "app_int.h"
#include "clock.h"
#include "runner.h"
#include "tui.h"

/* Check the terminal and take the locale; 0 or the exit status (2). */
int app_ui_check(void)
{
	char err[512];
	if (tui_check(err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	setlocale(LC_ALL, "");
	return 0;
}

/* Allocate a zeroed UI state; NULL (message printed) when out of memory. */
void *app_ui_alloc(size_t size)
{
	void *p = calloc(1, size);
	if (!p)
		fprintf(stderr, "concviz: out of memory; close other programs and retry\n");
	return p;
}

/* Start the terminal and a canvas of its size; 0 or the exit status. */
int app_ui_open(struct app_ui *u)
{
	char err[512];
	memset(u, 0, sizeof *u);
	if (tui_start(err, sizeof err) < 0) {
		fprintf(stderr, "%s\n", err);
		return 2;
	}
	int w, h;
	tui_size(&w, &h);
	if (canvas_init(&u->cv, w, h, tui_utf8()) < 0) {
		tui_stop();
		fprintf(stderr, "concviz: out of memory for a %dx%d screen; use a smaller terminal\n", w, h);
		return 1;
	}
	view_state_init(&u->vs);
	u->view = VIEW_GANTT;
	u->dirty = true;
	return 0;
}

/* Restore the terminal and free the canvas. */
void app_ui_close(struct app_ui *u)
{
	tui_stop();
	canvas_free(&u->cv);
}

/* Show a message for secs seconds (0 = until replaced). */
void app_ui_message(struct app_ui *u, double secs, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(u->msg, sizeof u->msg, fmt, ap);
	va_end(ap);
	u->msg_until = secs > 0 ? clock_ns() + (uint64_t)(secs * 1e9) : 0;
	u->dirty = true;
}

/* Return the message to show now, or NULL. */
const char *app_ui_msg_now(struct app_ui *u, uint64_t now)
{
	if (!u->msg[0])
		return NULL;
	if (u->msg_until && now >= u->msg_until) {
		u->msg[0] = 0;
		u->dirty = true;
		return NULL;
	}
	return u->msg;
}

/* Follow the terminal's new size. */
static void app_ui_resize(struct app_ui *u)
{
	int w, h;
	tui_size(&w, &h);
	if (w != u->cv.w || h != u->cv.h)
		canvas_resize(&u->cv, w, h); /* on -ENOMEM the old canvas stays */
	tui_invalidate();
}

/* The time under column x of the Gantt body, or the window's centre. */
static int64_t app_ui_time_at(const struct view_state *vs, int x)
{
	if (vs->span_ns > 0 && x >= vs->gx && x < vs->gx + vs->gw)
		return vs->t0 + (int64_t)(x - vs->gx) * vs->span_ns + vs->span_ns / 2;
	return view_center(vs);
}

/* Scroll whatever the current view scrolls by rows (the Findings view
 * moves its selection). */
static void app_ui_scroll(struct app_ui *u, int rows, const struct view_ctx *ctx)
{
	if (u->view == VIEW_FINDINGS && !u->vs.help) {
		view_findings_select(&u->vs, ctx, rows);
	} else if (u->view == VIEW_LOG && !u->vs.help) {
		long top = (long)u->vs.log_top + rows;
		u->vs.log_top = top < 0 ? 0 : top > 1000000 ? 1000000 : (int)top;
	} else {
		view_scroll(&u->vs, rows);
	}
}

/* Move to the next (dir 1) or previous (dir -1) view; help closes. */
static void app_ui_cycle(struct app_ui *u, int dir)
{
	int n = VIEW_HELP; /* the views Tab cycles through: all but help */
	u->vs.help = false;
	u->view = (enum view_id)(((int)u->view + dir + n) % n);
}

/* Show finding i in the Gantt view, saying so on the message line. */
static void app_ui_show_finding(struct app_ui *u, const struct view_ctx *ctx, int i)
{
	if (!view_findings_show(&u->vs, ctx, i))
		return;
	u->view = VIEW_GANTT;
	app_ui_message(u, APP_MSG_NS / 1e9, "finding %s: its lanes and time range are highlighted "
		       "(Esc clears, f fits the run)", u->vs.hl_id);
}

/* Handle the actions every view shares; true when a was one of them. */
bool app_ui_navigate(struct app_ui *u, const struct key_action *a, const struct view_ctx *ctx)
{
	struct view_state *vs = &u->vs;
	int page = vs->gh > 1 ? vs->gh - 1 : (u->cv.h > 8 ? u->cv.h - 7 : 1);
	int pan = vs->gw >= 10 ? vs->gw / 10 : 1;
	int lane;
	int64_t t;
	switch (a->act) {
	case ACT_ZOOM_IN: view_zoom(vs, 0.5, view_center(vs)); break;
	case ACT_ZOOM_OUT: view_zoom(vs, 2.0, view_center(vs)); break;
	case ACT_WHEEL_IN: view_zoom(vs, 0.8, app_ui_time_at(vs, a->x)); break;
	case ACT_WHEEL_OUT: view_zoom(vs, 1.25, app_ui_time_at(vs, a->x)); break;
	case ACT_PAN_LEFT: view_pan(vs, -pan); break;
	case ACT_PAN_RIGHT: view_pan(vs, pan); break;
	case ACT_SCROLL_UP: app_ui_scroll(u, -1, ctx); break;
	case ACT_SCROLL_DOWN: app_ui_scroll(u, 1, ctx); break;
	case ACT_PAGE_UP: app_ui_scroll(u, -page, ctx); break;
	case ACT_PAGE_DOWN: app_ui_scroll(u, page, ctx); break;
	case ACT_FIT: view_fit(vs); break;
	case ACT_NEXT_VIEW: app_ui_cycle(u, 1); break;
	case ACT_PREV_VIEW: app_ui_cycle(u, -1); break;
	case ACT_HELP: vs->help = !vs->help; break;
	case ACT_FINDINGS:
		vs->help = false;
		u->view = VIEW_FINDINGS;
		break;
	case ACT_ENTER:
		if (u->view == VIEW_FINDINGS && !vs->help)
			app_ui_show_finding(u, ctx, vs->find_sel);
		break;
	case ACT_CLOSE:
		if (vs->help)
			vs->help = false;
		else if (vs->sel_lane >= 0)
			vs->sel_lane = -1;
		else
			view_findings_clear(vs);
		break;
	case ACT_CLICK:
		if (u->view == VIEW_FINDINGS && !vs->help) {
			int i = view_findings_hit(vs, a->y);
			if (i >= 0)
				app_ui_show_finding(u, ctx, i);
		} else if (u->view == VIEW_GANTT && !vs->help && ctx && view_hit(vs, ctx, a->x, a->y, &lane, &t)) {
			vs->sel_lane = lane;
			vs->sel_t = t;
			u->msg[0] = 0; /* the status line shows the span's detail */
		} else {
			vs->sel_lane = -1;
		}
		break;
	case ACT_RESIZE: app_ui_resize(u); break;
	default: return false;
	}
	u->dirty = true;
	return true;
}

/* Draw the current view into the canvas and onto the terminal. */
void app_ui_render(struct app_ui *u, const struct view_ctx *ctx)
{
	view_draw(&u->cv, u->view, ctx);
	tui_draw(&u->cv);
	u->dirty = false;
}

/* Draw when due, then wait for input until the next frame. */
struct key_action app_ui_frame(struct app_ui *u, const struct view_ctx *ctx, uint64_t *next,
			       enum keys_ctx kctx)
{
	uint64_t now = clock_ns();
	if (now >= *next) {
		if (u->dirty)
			app_ui_render(u, ctx);
		*next = now + APP_FRAME_NS;
	}
	now = clock_ns();
	int wait = *next > now ? (int)((*next - now) / 1000000) : 0;
	return app_ui_input(u, wait > 0 ? wait : 1, kctx);
}

/* Read input for up to timeout_ms and decode it. */
struct key_action app_ui_input(struct app_ui *u, int timeout_ms, enum keys_ctx kctx)
{
	struct key_input in;
	struct key_action a = { ACT_NONE, 0, 0 };
	(void)u;
	if (tui_read(&in, timeout_ms) == 1)
		a = keys_decode(&in, kctx);
	return a;
}

/* Stop recording run r, saying where it went; see app_int.h. */
void app_ui_record_stop(struct app_ui *u, struct runner *r, char *path, const char *why)
{
	char err[256] = "";
	if (!r || !r->rec)
		return;
	if (runner_record_stop(r, err, sizeof err) < 0)
		app_ui_message(u, 0, "%s", err);
	else
		app_ui_message(u, 10, "saved %s%s; replay it with `concviz replay %s`", path, why, path);
	path[0] = 0;
}

/* Start recording run r to a new file; see app_int.h. */
void app_ui_record_start(struct app_ui *u, struct runner *r, char *path, size_t n)
{
	char err[256] = "", stamp[32];
	if (!r) {
		app_ui_message(u, APP_MSG_NS / 1e9, "nothing to record: no run is going");
		return;
	}
	time_t now = time(NULL);
	struct tm tm;
	localtime_r(&now, &tm);
	strftime(stamp, sizeof stamp, "%Y%m%d-%H%M%S", &tm);
	for (int i = 0; i < 100; i++) {
		if (i == 0)
			snprintf(path, n, "concviz-%s.cvz", stamp);
		else
			snprintf(path, n, "concviz-%s-%d.cvz", stamp, i);
		FILE *f = fopen(path, "r");
		if (f) { /* taken: never overwrite, try the next name */
			fclose(f);
			continue;
		}
		if (runner_record(r, path, false, err, sizeof err) == 0) {
			if (r->finished) /* the whole run is written already */
				app_ui_record_stop(u, r, path, "");
			else
				app_ui_message(u, 0, "recording to %s (R stops)", path);
			return;
		}
		break;
	}
	path[0] = 0;
	app_ui_message(u, 0, "concviz: cannot record: %s", err[0] ? err : "no free file name");
}

/* Start f with no findings; see app_int.h. */
void app_findings_init(struct app_findings *f)
{
	findings_state_init(&f->fs);
	f->next = 0;
	f->events = 0;
	f->done = -1;
}

/* Forget the findings; see app_int.h. */
void app_findings_reset(struct app_findings *f, uint64_t first)
{
	findings_state_reset(&f->fs);
	f->next = first;
	f->events = 0;
	f->done = -1;
}

/* Free what f holds; see app_int.h. */
void app_findings_free(struct app_findings *f)
{
	findings_state_free(&f->fs);
}

/* Bring the findings up to date; see app_int.h. */
bool app_findings_update(struct app_findings *f, const struct session *s,
			 const struct timeline *tl, bool done, uint64_t now)
{
	if (done ? f->done == 1 : now < f->next || f->events == tl->stats.events)
		return false;
	struct findings_opts o;
	findings_opts_default(&o);
	o.live = !done;
	findings_update(&f->fs, s, tl, &o);   /* on ENOMEM the list is empty */
	f->events = tl->stats.events;
	f->done = done;
	f->next = now + APP_FINDINGS_NS;
	return true;
}

/*
 * view_compare.c - the Compare view: every run of this session side by side.
 *
 * One row per run (struct cv_summary, oldest first): mode, workload,
 * workers, GIL, wall time, speed-up over the latest sequential run of the
 * same workload ("—" when there is none), efficiency (ideal / wall), its top
 * finding's id, and a bar proportional to the wall time so the fastest
 * model stands out, with what went wrong after it (failed tasks, lost
 * updates, a deadlock). Under the table, each run's top suggestion with its
 * predicted speed-up and, once a later run used the suggested model on the
 * same job, the speed-up measured between the two: the prediction checked.
 */
#include <stdio.h>
#include <string.h>
#include "glyphs.h"
#include "view_body.h"

#define COMPARE_NOTES 4  /* suggestions listed under the table, newest */

/* Return the index of the latest seq run of workload wl, or -1. */
static long compare_baseline(const struct view_ctx *ctx, enum cv_workload wl)
{
	for (size_t i = ctx->nruns; i-- > 0;)
		if (ctx->runs[i].mode == MODE_SEQ && ctx->runs[i].workload == wl && ctx->runs[i].wall_s > 0)
			return (long)i;
	return -1;
}

/* Write what went wrong in run s into buf: a deadlock, lost updates, or
 * failed tasks ("" when nothing did). */
static void compare_trouble(const struct cv_summary *s, char *buf, size_t n)
{
	buf[0] = 0;
	if (s->deadlock)
		snprintf(buf, n, "deadlock");
	else if (s->race && s->race_lost)
		snprintf(buf, n, "%llu updates lost", (unsigned long long)s->race_lost);
	else if (s->failed)
		snprintf(buf, n, "%u failed", s->failed);
}

/* Return the first run after i that ran i's suggested model on the same
 * job (workload, tasks; the suggested workers when given), or -1. */
static long compare_tried(const struct view_ctx *ctx, size_t i)
{
	const struct cv_summary *a = &ctx->runs[i];
	const struct finding_suggest *sg = &ctx->briefs[i].suggest;
	for (size_t j = i + 1; j < ctx->nruns; j++) {
		const struct cv_summary *b = &ctx->runs[j];
		if (b->mode == sg->mode && b->workload == a->workload && b->tasks == a->tasks &&
		    (sg->workers <= 0 || b->workers == sg->workers) && b->wall_s > 0)
			return (long)j;
	}
	return -1;
}

/* Return how many runs have a suggestion (listed under the table, at most
 * COMPARE_NOTES); *first = the oldest run listed. */
static int compare_notes(const struct view_ctx *ctx, size_t *first)
{
	int n = 0;
	*first = ctx->nruns;
	for (size_t i = ctx->nruns; ctx->briefs && i-- > 0 && n < COMPARE_NOTES;)
		if (ctx->briefs[i].has_suggest) {
			n++;
			*first = i;
		}
	return n;
}

/* Draw the suggestion of run i at row y: predicted, and measured when tried. */
static void compare_note(struct canvas *c, struct view_rect r, int y, const struct view_ctx *ctx, size_t i)
{
	bool u = c->utf8;
	const struct finding_brief *b = &ctx->briefs[i];
	const char *x = view_sym(u, "×", "x");
	char wk[16] = "";
	if (b->suggest.workers > 0)
		snprintf(wk, sizeof wk, " %s%d", x, b->suggest.workers);
	int at = r.x + canvas_printf(c, r.x, y, r.w, ROLE_TEXT, 0, "#%zu %s %s %s%s: predicted %.2f%s",
				     i + 1, b->suggest_id, view_sym(u, "→", "->"),
				     params_mode_name(b->suggest.mode), wk, b->suggest.speedup, x);
	long j = compare_tried(ctx, i);
	if (j >= 0) {
		double got = ctx->runs[i].wall_s / ctx->runs[j].wall_s;
		canvas_printf(c, at, y, r.x + r.w - at, ROLE_GOOD, ATTR_BOLD, ", measured %.2f%s (#%ld, %+.0f%%)",
			      got, x, j + 1, (b->suggest.speedup / got - 1) * 100);
	} else {
		canvas_text(c, at, y, r.x + r.w - at, ROLE_DIM, 0,
			    ctx->replay || ctx->no_chrome ? "" : (i + 1 == ctx->nruns ? "; s runs it" : "; not run yet"));
	}
}

/* Draw the Compare body into r. */
void view_compare_body(struct canvas *c, struct view_rect r, const struct view_ctx *ctx)
{
	bool u = c->utf8;
	int y = r.y, bottom = r.y + r.h;
	if (!ctx->runs || ctx->nruns == 0) {
		view_wrap(c, r, ROLE_DIM, view_traced(ctx)
			  ? "The program's summary is listed here when it ends; compare it with the built-in "
			    "models with `concviz run`."
			  : "No finished run yet. When a run ends it is listed here; press 0/1/2/3 to run "
			  "the job under another model.");
		return;
	}
	bool tops = ctx->briefs != NULL;
	canvas_printf(c, r.x, y++, r.w, ROLE_TITLE, ATTR_BOLD, "%-3s %-8s %-8s %7s %-3s %9s %8s %6s  %s%s",
		      "#", "mode", "workload", "workers", "gil", "wall", "speed-up", "effic.",
		      tops ? "top finding       " : "", "wall time");
	size_t note_first;
	int notes = compare_notes(ctx, &note_first);
	double maxwall = 0;
	for (size_t i = 0; i < ctx->nruns; i++)
		if (ctx->runs[i].wall_s > maxwall)
			maxwall = ctx->runs[i].wall_s;
	/* the newest runs when they do not all fit; the notes below them */
	int rows = bottom - y - 1 - (notes ? notes + 1 : 0);
	if (rows < 1) {
		rows = bottom - y - 1;
		notes = 0;
	}
	size_t first = rows > 0 && ctx->nruns > (size_t)rows ? ctx->nruns - (size_t)rows : 0;
	for (size_t i = first; i < ctx->nruns && y < bottom; i++, y++) {
		const struct cv_summary *s = &ctx->runs[i];
		long b = compare_baseline(ctx, s->workload);
		char speed[32], eff[16], wall[32];
		if (b >= 0 && s->wall_s > 0)
			snprintf(speed, sizeof speed, ctx->runs[b].wall_s / s->wall_s < 10 ? "%.2f%s" : "%.1f%s",
				 ctx->runs[b].wall_s / s->wall_s, view_sym(u, "×", "x"));
		else
			snprintf(speed, sizeof speed, "%s", view_sym(u, "—", "-"));
		if (s->efficiency > 0)
			snprintf(eff, sizeof eff, "%.0f%%", s->efficiency * 100);
		else
			snprintf(eff, sizeof eff, "%s", view_sym(u, "—", "-"));
		snprintf(wall, sizeof wall, "%.2fs", s->wall_s);
		int x = r.x;
		bool traced = s->mode == MODE_TRACE;   /* workers: its threads */
		x += canvas_printf(c, x, y, r.w, ROLE_TEXT, 0, "%-3zu %-8s %-8s %7d %-3s ", i + 1,
				   params_mode_name(s->mode), traced ? "program" : params_workload_name(s->workload),
				   traced ? (int)s->threads : s->workers, traced ? "-" : s->gil ? "on" : "off");
		x += canvas_printf(c, x, y, r.x + r.w - x, ROLE_TEXT, ATTR_BOLD, "%9s", wall);
		x += canvas_printf(c, x, y, r.x + r.w - x, b >= 0 ? ROLE_GOOD : ROLE_DIM, 0, " %8s", speed);
		x += canvas_printf(c, x, y, r.x + r.w - x, ROLE_TEXT, 0, " %6s  ", eff);
		if (tops) {
			const char *id = ctx->briefs[i].id[0] ? ctx->briefs[i].id : view_sym(u, "—", "-");
			int role = !ctx->briefs[i].id[0] ? ROLE_DIM
				   : ctx->briefs[i].severity == FINDING_WARN ? ROLE_WARN : ROLE_GOOD;
			canvas_printf(c, x, y, r.x + r.w - x, role, 0, "%-17.17s ", id);
			x += 18;
		}
		int barw = r.x + r.w - x - 1;
		if (barw >= 4 && maxwall > 0) {
			double len = s->wall_s / maxwall * barw;
			int full = (int)len;
			canvas_fill(c, x, y, full, 1, glyph_get(GL_BAR_FULL, u), ROLE_BAR, 0);
			if (len - full >= 0.5 || (full == 0 && s->wall_s > 0))
				canvas_put(c, x + full, y, glyph_get(GL_BAR_HALF, u), ROLE_BAR, 0);
			char note[48];
			compare_trouble(s, note, sizeof note);
			if (note[0])
				canvas_text(c, x + full + 1 + (len - full >= 0.5 || full == 0), y,
					    r.x + r.w - x - full - 2, ROLE_WARN, 0, note);
		}
	}
	if (notes && y + 1 < bottom) {
		y++;
		for (size_t i = note_first; i < ctx->nruns && y < bottom; i++)
			if (ctx->briefs[i].has_suggest)
				compare_note(c, r, y++, ctx, i);
	}
	if (y < bottom)
		canvas_text(c, r.x, y + (y + 1 < bottom), r.w, ROLE_DIM, 0,
			    view_traced(ctx)
				    ? "a traced program has no seq run to compare with: its wall time is its own"
			    : compare_baseline(ctx, WL_IO) < 0 && compare_baseline(ctx, WL_CPU) < 0
				    ? "speed-up needs a seq run of the same workload: press 0 to run one"
				    : "speed-up: over the seq run of the same workload; efficiency: ideal / wall");
}

/* Rows the Compare body needs: title, runs, suggestions, gap, note. */
int view_compare_rows(const struct view_ctx *ctx)
{
	size_t first;
	int notes = compare_notes(ctx, &first);
	return 3 + (int)(ctx->nruns < 1000 ? ctx->nruns : 1000) + (notes ? notes + 1 : 0);
}

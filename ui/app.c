/*
 * app.c - the live UI: a run drawn as it happens, hotkeys to switch runs.
 *
 * app_live() opens the terminal, starts a run straight away and loops at
 * about 30 frames per second: drain the runner's ring into its timeline,
 * draw the current view, wait for input until the next frame. Switching the
 * mode (1 2 3 0), the workload (w: io, cpu, race, deadlock), the GIL (g) or
 * the lock (l: --lock for race, --lock-order for deadlock), or rerunning
 * (r), stops the current run (keeping its summary for the Compare view) and
 * starts a new one. R records the current run to concviz-YYYYMMDD-HHMMSS.cvz (never
 * overwriting a file). A run that cannot start is reported on the message
 * line; the UI stays up. The replay UI is in app_replay.c.
 *
 * Findings (findings.h) are brought up to date at most every 250 ms while a
 * run is live (an incremental update: only the spans closed since the last
 * one are read) and once more when it ends; each finished run keeps its top
 * finding and top suggestion beside its summary for the Compare view, and
 * s starts a run of the current (or last) run's top suggestion.
 *
 * Threads: everything here runs on the UI thread, which owns the runner's
 * timeline and recorder (runner.h).
 */
#include <errno.h>
#include <locale.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "app.h"
#include "app_int.h"
#include "clock.h"
#include "findings.h"
#include "runner.h"
#include "stats.h"
#include "tui.h"

#define APP_MAX_RUNS 64   /* summaries kept for the Compare view */

struct app_live {
	struct app_ui ui;
	struct cv_params cur;      /* the next run's parameters (strings borrowed) */
	int tasks[WL_COUNT];       /* task counts per workload */
	bool lock, lock_order;     /* l: kept for the race / deadlock workload's runs */
	struct runner *run;        /* the current run, NULL when none could start */
	bool summarized;           /* the current run's summary is in runs[] */
	struct cv_summary runs[APP_MAX_RUNS];
	struct finding_brief briefs[APP_MAX_RUNS]; /* each run's top finding, parallel to runs */
	size_t nruns;
	struct app_findings af;    /* the current run's findings */
	int base_workers;          /* --workers as given (mode keys go back to it) */
	char rec_path[64];         /* the recording in progress, "" when none */
	bool paused;               /* display frozen (the run goes on) */
};

/* Bring the current run's findings up to date (app_findings_update). */
static void app_findings(struct app_live *L, uint64_t now)
{
	struct runner *r = L->run;
	if (r && app_findings_update(&L->af, &r->session, &r->tl, r->finished, now))
		L->ui.dirty = true;
}

/* Append the current run's summary and top finding to the list (once per run). */
static void app_keep_summary(struct app_live *L)
{
	if (!L->run || L->summarized || !L->run->tl.stats.events)
		return;
	if (L->nruns == APP_MAX_RUNS) { /* drop the oldest */
		memmove(L->runs, L->runs + 1, (APP_MAX_RUNS - 1) * sizeof L->runs[0]);
		memmove(L->briefs, L->briefs + 1, (APP_MAX_RUNS - 1) * sizeof L->briefs[0]);
		L->nruns--;
	}
	app_findings(L, clock_ns());   /* the run is over or stopped: on the whole of it */
	findings_brief(&L->af.fs.list, &L->briefs[L->nruns]);
	stats_summarize(&L->run->session, &L->run->tl, &L->runs[L->nruns++]);
	L->summarized = true;
}

/* Stop recording the current run, saying where it went. */
static void app_record_stop(struct app_live *L, const char *why)
{
	app_ui_record_stop(&L->ui, L->run, L->rec_path, why);
}

/* Start recording the current run to a new concviz-YYYYMMDD-HHMMSS.cvz. */
static void app_record_start(struct app_live *L)
{
	app_ui_record_start(&L->ui, L->run, L->rec_path, sizeof L->rec_path);
}

/* Stop and free the current run, keeping its summary. */
static void app_end_run(struct app_live *L)
{
	if (!L->run)
		return;
	bool was_over = L->run->finished;
	runner_stop(L->run);
	app_record_stop(L, was_over ? "" : " (the run was cut short)");
	app_keep_summary(L);
	runner_free(L->run);
	free(L->run);
	L->run = NULL;
}

/* Start a run of L->cur (after ending the current one); failures go to the
 * message line. */
static void app_start_run(struct app_live *L)
{
	char err[256] = "";
	app_end_run(L);
	L->cur.tasks = L->tasks[L->cur.workload];
	L->cur.lock = L->lock && L->cur.workload == WL_RACE;      /* only where they apply */
	L->cur.lock_order = L->lock_order && L->cur.workload == WL_DEADLOCK;
	struct runner *r = calloc(1, sizeof *r);
	if (!r) {
		app_ui_message(&L->ui, 0, "concviz: out of memory starting a run; quit and retry");
		return;
	}
	if (runner_start(r, &L->cur, err, sizeof err) < 0) {
		free(r);
		app_ui_message(&L->ui, 0, "%s", err[0] ? err : "concviz: the run could not start");
		return;
	}
	L->run = r;
	L->summarized = false;
	app_findings_reset(&L->af, clock_ns() + APP_FINDINGS_NS);
	if (L->cur.record) { /* --record FILE: the first run only */
		if (runner_record(r, L->cur.record, L->cur.force, err, sizeof err) == 0) {
			snprintf(L->rec_path, sizeof L->rec_path, "%s", L->cur.record);
			app_ui_message(&L->ui, 0, "recording to %s (R stops)", L->rec_path);
		} else {
			app_ui_message(&L->ui, 0, "%s", err);
		}
		L->cur.record = NULL;
	}
	L->paused = false;
	L->ui.vs.paused = false;
	L->ui.vs.sel_lane = -1;
	L->ui.vs.top_lane = 0;
	view_fit(&L->ui.vs);
	if (L->ui.msg[0] && L->ui.msg_until == 0 && !L->rec_path[0] && !strncmp(L->ui.msg, "concviz:", 8))
		L->ui.msg[0] = 0; /* a stale error goes once a run starts */
	L->ui.dirty = true;
}

/* Fill the view context of the current frame. */
static void app_live_ctx(struct app_live *L, struct view_ctx *ctx, uint64_t now)
{
	memset(ctx, 0, sizeof *ctx);
	struct runner *r = L->run;
	ctx->vs = &L->ui.vs;
	ctx->runs = L->runs;
	ctx->briefs = L->briefs;
	ctx->nruns = L->nruns;
	ctx->message = app_ui_msg_now(&L->ui, now);
	ctx->now = -1;
	ctx->speed = 1.0;
	if (!r)
		return;
	ctx->s = &r->session;
	ctx->tl = &r->tl;
	ctx->findings = &L->af.fs.list;
	ctx->live = !r->finished;
	ctx->done = r->finished;
	ctx->recording = r->rec != NULL;
	if (!r->finished && r->tl.origin_set && now > r->tl.origin)
		ctx->now = (int64_t)(now - r->tl.origin);
}

/* l: toggle --lock (race) or --lock-order (deadlock) and rerun; on the
 * other workloads, say where it applies. */
static void app_toggle_lock(struct app_live *L)
{
	if (L->cur.workload == WL_RACE)
		L->lock = !L->lock;
	else if (L->cur.workload == WL_DEADLOCK)
		L->lock_order = !L->lock_order;
	else {
		app_ui_message(&L->ui, APP_MSG_NS / 1e9, "l locks the race workload's counter or orders "
			       "the deadlock workload's locks: press w for them");
		return;
	}
	app_start_run(L);
	if (!L->run)
		return;
	if (L->cur.workload == WL_RACE)
		app_ui_message(&L->ui, APP_MSG_NS / 1e9, L->lock ? "--lock: a mutex guards the counter "
			       "(l takes it away)" : "no lock: the increments race (l adds one)");
	else
		app_ui_message(&L->ui, APP_MSG_NS / 1e9, L->lock_order ? "--lock-order: every task takes "
			       "L1 before L2 (l undoes it)" : "tasks take the locks in opposite orders "
			       "(l orders them)");
}

/* s: start a run of the top suggestion of the current run's findings (or,
 * with no run, of the last finished run's). */
static void app_run_suggestion(struct app_live *L)
{
	struct finding_brief b;
	if (L->run)
		findings_brief(&L->af.fs.list, &b);
	else if (L->nruns)
		b = L->briefs[L->nruns - 1];
	else
		memset(&b, 0, sizeof b);
	if (!b.has_suggest) {
		app_ui_message(&L->ui, APP_MSG_NS / 1e9, "no suggestion: %s",
			       L->run && !L->run->finished && !L->af.fs.list.n
				       ? "the findings are not in yet; wait for the run to show what limits it"
				       : "no finding of this run points to another model");
		return;
	}
	if (L->cur.mode >= MODE_BUILTIN) {   /* a traced program: its model is in its code */
		app_ui_message(&L->ui, APP_MSG_NS / 1e9, "%s suggests %s (predicted %.2fx faster): a traced "
			       "program's model is in its code, so change it there", b.suggest_id,
			       params_mode_name(b.suggest.mode), b.suggest.speedup);
		return;
	}
	L->cur.mode = b.suggest.mode;
	L->cur.workers = b.suggest.workers;
	app_start_run(L);
	if (L->run)
		app_ui_message(&L->ui, APP_MSG_NS / 1e9, "running the suggestion of %s: %s%s%.0d, "
			       "predicted %.2fx faster (Tab to Compare checks it)", b.suggest_id,
			       params_mode_name(b.suggest.mode), b.suggest.workers > 0 ? " x" : "",
			       b.suggest.workers, b.suggest.speedup);
}

/* Apply one action of the live UI; returns false to quit. */
static bool app_live_action(struct app_live *L, const struct key_action *a, const struct view_ctx *ctx)
{
	switch (a->act) {
	case ACT_NONE:
		return true;
	case ACT_QUIT:
		return false;
	case ACT_MODE_SEQ: case ACT_MODE_THREADS: case ACT_MODE_ASYNC: case ACT_MODE_PROCS:
		L->cur.mode = a->act == ACT_MODE_SEQ ? MODE_SEQ : a->act == ACT_MODE_THREADS ? MODE_THREADS
			    : a->act == ACT_MODE_ASYNC ? MODE_ASYNC : MODE_PROCS;
		L->cur.workers = L->base_workers;
		app_start_run(L);
		break;
	case ACT_SUGGEST:
		app_run_suggestion(L);
		break;
	case ACT_WORKLOAD:
		L->cur.workload = (enum cv_workload)((L->cur.workload + 1) % WL_COUNT);
		app_start_run(L);
		break;
	case ACT_LOCK:
		app_toggle_lock(L);
		break;
	case ACT_GIL:
		L->cur.gil = !L->cur.gil;
		app_start_run(L);
		if (L->run && L->cur.gil && L->cur.mode != MODE_THREADS)
			app_ui_message(&L->ui, APP_MSG_NS / 1e9, "the GIL is on: it slows threads (press 1) on cpu work (w)");
		break;
	case ACT_RERUN:
		app_start_run(L);
		break;
	case ACT_RECORD:
		if (L->run && L->run->rec)
			app_record_stop(L, "");
		else
			app_record_start(L);
		break;
	case ACT_PAUSE:
		L->paused = !L->paused;
		L->ui.vs.paused = L->paused;
		if (L->paused)
			L->ui.vs.follow = false; /* freeze the window where it is */
		else
			view_fit(&L->ui.vs);
		L->ui.dirty = true;
		break;
	case ACT_SPEED_UP: case ACT_SPEED_DOWN: case ACT_STEP: case ACT_SEEK_START:
	case ACT_SEEK_END: case ACT_SCRUB_BACK: case ACT_SCRUB_FWD:
		break; /* replay keys: nothing to do live */
	default:
		app_ui_navigate(&L->ui, a, ctx);
		break;
	}
	return true;
}

/* Check the run after a drain: keep a finished run's summary, close its
 * recording, report a runtime failure. */
static void app_check_run(struct app_live *L)
{
	struct runner *r = L->run;
	if (!r || !r->finished || L->summarized)
		return;
	app_keep_summary(L);
	if (r->rec)
		app_record_stop(L, " (the run finished)");
	if (r->exit_status != 0 && r->err[0])
		app_ui_message(&L->ui, 0, "%s", r->err);
	L->ui.dirty = true;
}

/* Open the UI and run p; see app.h. */
int app_live(const struct cv_params *p)
{
	int rc = app_ui_check();
	if (rc)
		return rc;
	struct app_live *L = app_ui_alloc(sizeof *L);
	if (!L)
		return 1;
	L->cur = *p;
	bool given = p->tasks != params_default_tasks(p->workload); /* --tasks was given */
	for (int w = 0; w < WL_COUNT; w++)
		L->tasks[w] = given ? p->tasks : params_default_tasks((enum cv_workload)w);
	L->lock = p->lock;
	L->lock_order = p->lock_order;
	L->base_workers = p->workers;
	app_findings_init(&L->af);
	rc = app_ui_open(&L->ui);
	if (rc) {
		app_findings_free(&L->af);
		free(L);
		return rc;
	}
	app_start_run(L);
	struct view_ctx ctx;
	uint64_t next = clock_ns();
	int status = 0;
	for (;;) {
		if (tui_quit_signal()) {
			status = 128 + tui_quit_signal();
			break;
		}
		uint64_t now = clock_ns();
		if (L->run) {
			if (runner_drain(L->run) > 0 && !L->paused)
				L->ui.dirty = true;
			app_findings(L, now);
			app_check_run(L);
			if (!L->run->finished && !L->paused)
				L->ui.dirty = true; /* the live edge moves */
		}
		app_live_ctx(L, &ctx, now);
		struct key_action a = app_ui_frame(&L->ui, &ctx, &next, KEYS_LIVE);
		if (a.act != ACT_NONE) {
			app_live_ctx(L, &ctx, clock_ns());
			if (!app_live_action(L, &a, &ctx))
				break;
			next = 0; /* answer a key at once */
		}
	}
	app_end_run(L);
	app_ui_close(&L->ui);
	runner_shutdown();
	app_findings_free(&L->af);
	free(L);
	return status;
}
